import { createHash } from 'node:crypto';
import { Fn } from 'cdktf';
import { serviceAccountEmail } from '../iam/service-account';
import { PROJECT_OR_ACCOUNT_ID } from '../naming';

/**
 * Names the krun launcher and its manifests agree on (costinm/krun, see docs/blueprints/cloudrun-mesh.md): the Google
 * account of a namespace, the per-namespace RBAC and WorkloadGroup, and the gateway's objects.
 */

/** The launcher takes the namespace from a Google account named `k8s-<namespace>`. */
const NAMESPACE_ACCOUNT_PREFIX = 'k8s-';
/** Prefix of a shortened account id: anything but `k8s-`, so that the launcher reads WORKLOAD_NAMESPACE instead. */
const SHORTENED_ACCOUNT_PREFIX = 'mesh-';

/**
 * Google service account id of a workload namespace: `k8s-<namespace>` (the seed's naming). A namespace too long or too
 * short for a 6-30 character id gets `mesh-<start>-<hash>`, and the launcher is told its namespace in
 * WORKLOAD_NAMESPACE: it takes the namespace from a `k8s-` account before it reads that variable, and would take the
 * shortened one (krun 85cf58f, pkg/gcp/gcp-kubeconfig.go configFromEnvAndMD, then pkg/mesh/krun.go initFromEnv).
 */
export function namespaceAccountId(namespace: string): string {
  const id = `${NAMESPACE_ACCOUNT_PREFIX}${namespace}`;
  if (PROJECT_OR_ACCOUNT_ID.test(id)) return id;
  const hash = createHash('sha256').update(namespace).digest('hex').slice(0, 6);
  const stem = namespace.slice(0, 30 - SHORTENED_ACCOUNT_PREFIX.length - hash.length - 1).replace(/-+$/, '');
  return `${SHORTENED_ACCOUNT_PREFIX}${stem}-${hash}`;
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

/** The ConfigMap the gate writes and the launcher reads at start (krun pkg/mesh/k8s_client.go loadMeshEnv). */
export const MESH_ENV = { namespace: 'istio-system', name: 'mesh-env' } as const;

/**
 * The label of a Cloud Run URL that the gate turns back into the service's address: it appends `.a.run.app` to the first
 * label of the SNI name (krun 85cf58f, pkg/meshconnectord/snigate.go EndpointResolver). So the mesh names a service by
 * the label of its `https://<name>-<hash>-<region code>.a.run.app` URL, which Cloud Run gives every service, and never
 * by the deterministic `<name>-<project number>.<region>.run.app` one, which it may list first. `urls` is the service's
 * list of URLs (a token); the result fails at plan when none is an a.run.app URL.
 */
export function gateUrlLabel(urls: string[]): string {
  // [.] rather than a backslash escape: the pattern passes through HCL and YAML strings as it is.
  return Fn.element(Fn.regex('https://([a-z0-9-]+)[.]a[.]run[.]app', Fn.join(' ', urls)), 0) as string;
}

/**
 * The Google identity the gate presents to Cloud Run: it mints an ID token as this service agent with the federated
 * identity of istio-system/default (krun 85cf58f, pkg/sts/sts.go generateIdToken), so it is the caller Cloud Run checks.
 */
export function meshDataplaneAgent(projectNumber: string): string {
  return `service-${projectNumber}@gcp-sa-meshdataplane.iam.gserviceaccount.com`;
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
