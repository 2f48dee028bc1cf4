import { createHash } from 'node:crypto';
import { serviceAccountEmail } from '../iam/service-account';
import { PROJECT_OR_ACCOUNT_ID } from '../naming';

/**
 * Names the krun launcher and its manifests agree on (costinm/krun, see docs/blueprints/cloudrun-mesh.md): the Google
 * account of a namespace, the per-namespace RBAC and WorkloadGroup, and the gateway's objects.
 */

/** The launcher takes the namespace from a Google account named `k8s-<namespace>`. */
const NAMESPACE_ACCOUNT_PREFIX = 'k8s-';

/**
 * Google service account id of a workload namespace: `k8s-<namespace>` (the seed's naming). A namespace too long or too
 * short for a 6-30 character id gets a shortened, hashed id; the launcher is then told its namespace explicitly.
 */
export function namespaceAccountId(namespace: string): string {
  const id = `${NAMESPACE_ACCOUNT_PREFIX}${namespace}`;
  if (PROJECT_OR_ACCOUNT_ID.test(id)) return id;
  const hash = createHash('sha256').update(namespace).digest('hex').slice(0, 6);
  const stem = namespace.slice(0, 30 - NAMESPACE_ACCOUNT_PREFIX.length - hash.length - 1).replace(/-+$/, '');
  return `${NAMESPACE_ACCOUNT_PREFIX}${stem}-${hash}`;
}

export function namespaceAccountEmail(namespace: string, project: string): string {
  return serviceAccountEmail(namespaceAccountId(namespace), project);
}

/** Role, RoleBinding and WorkloadGroup of a namespace's Google account: `gsa-<project>`. */
export function namespaceRbacName(project: string): string {
  return `gsa-${project}`;
}

/**
 * What the launcher assumes when WORKLOAD_NAMESPACE and WORKLOAD_NAME are unset: the namespace from a `k8s-<ns>@`
 * account (else `default`), the name from K_SERVICE (the Cloud Run service) without a `ver--` prefix.
 */
export function launcherDefaults(accountEmail: string, serviceName: string): { namespace: string; name: string } {
  const account = accountEmail.split('@')[0];
  const namespace = account.startsWith(NAMESPACE_ACCOUNT_PREFIX) ? account.slice(NAMESPACE_ACCOUNT_PREFIX.length) : 'default';
  const separator = serviceName.indexOf('--');
  return { namespace, name: separator >= 0 ? serviceName.slice(separator + 2) : serviceName };
}

/** The mesh connector gateway (hgate) and the Istio objects around it. */
export const MESH_GATEWAY = {
  namespace: 'istio-system',
  name: 'hgate',
  internalService: 'internal-hgate',
  /** The gate runs as this Kubernetes service account; the RBAC and the Cloud Run invoker grant are for it. */
  serviceAccount: 'default',
  /** Port of the internal gateway that tunnels SNI to mTLS over HBONE: the WorkloadEntry port of each service. */
  sniTunnelPort: 15442,
} as const;

/** Ports of a mesh-enabled Cloud Run instance (krun launcher). */
export const KRUN_PORTS = {
  /** HBONE over h2c: the Cloud Run container port. */
  hbone: 15009,
  /** Envoy's plain-text inbound listener, which HBONE forwards to. */
  envoyInbound: 15003,
  /** The application. */
  app: 8080,
  /** What the mesh's Kubernetes Services point at: the gateway's SNI port. */
  sni: 15443,
} as const;
