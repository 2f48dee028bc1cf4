/** Every stack this app can synthesize. Fixed: docs, CI, state prefixes and users' pipelines rely on them. */
export const STACK_NAMES = [
  'state-bootstrap',
  'gke-playground',
  'iris-mirror',
  'skypilot',
  'skypilot-app',
  'ilp-connector',
  'ilp-connector-app',
  'cloudrun-mesh',
  'cloudrun-mesh-k8s',
  'cloudrun-mesh-services',
  'cloudrun-mesh-routes',
] as const;

export type StackName = (typeof STACK_NAMES)[number];
