import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { cidrContains, isRfc1918, parseCidr, parseIpv4 } from '../network/ipv4';
import {
  adoptExisting,
  asRecord,
  dns1123Label,
  ipv4Cidr,
  machineType,
  pinnedImage,
  privateIpv4Address,
  quantity,
  region,
  resourceName,
  zone,
} from './fields';
import type { CrossFieldProblem } from './schema';

/** Cloud Run service names: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters. */
const cloudRunServiceName = z
  .string()
  .max(49, 'must be at most 49 characters (a Cloud Run service name)')
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    'must be a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
  );

/** Namespaces the cluster or the mesh owns; a workload namespace is created and labelled by this blueprint. */
const RESERVED_NAMESPACES = ['default', 'istio-system', 'kube-system', 'kube-public', 'kube-node-lease'];

const workloadNamespace = dns1123Label.refine((name) => !RESERVED_NAMESPACES.includes(name), {
  message: `must be a namespace of its own, not one of ${RESERVED_NAMESPACES.join(', ')}`,
});

/** Secret Manager secret id: letters, digits, - and _, at most 255 characters. */
const secretId = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Secret Manager secret id: letters, digits, - or _');

/** A Cloud Run service of the mesh: the seed's `gcloud alpha run deploy` plus the Makefile's sizing. */
const workloadSchema = z.strictObject({
  /** Cloud Run service name, also the workload (canonical service) name in the mesh. Unique per region. */
  name: cloudRunServiceName,
  /** Kubernetes namespace the service joins; its Google account `k8s-<namespace>` is mapped to it. */
  namespace: workloadNamespace,
  /** Mesh-enabled image (krun launcher, Envoy and the app), pinned. */
  image: pinnedImage,
  /** Requests per instance (the seed's Makefile: --concurrency 10). */
  concurrency: z.number().int().min(1).max(1000).default(10),
  /** Request timeout (--timeout 900). */
  timeoutSeconds: z.number().int().min(1).max(3600).default(900),
  /** vCPUs (--cpu 1); Cloud Run offers 1, 2, 4 or 8 here. */
  cpu: z.enum(['1', '2', '4', '8']).default('1'),
  /** Memory (--memory 1G); gen2 needs at least 512Mi. */
  memory: quantity.default('1G'),
  /** Instances kept warm (--min-instances 1): the mesh sidecar starts slowly. */
  minInstances: z.number().int().min(0).max(1000).default(1),
  /** Upper bound on instances. @default Cloud Run's (100) */
  maxInstances: z.number().int().min(1).max(1000).optional(),
  /**
   * Who may reach the service's URL at the network level. `internal` admits the project's VPC networks (the mesh
   * connector gateway among them); `all` is needed to ssh in from outside and needs a RUN-INGRESS-INTERNAL waiver.
   */
  ingress: z.enum(['internal', 'all']).default('internal'),
  /**
   * The seed's --allow-unauthenticated, which it needs only for ssh debugging: allUsers gets roles/run.invoker.
   * Needs a RUN-PUBLIC-INVOKER waiver. Off: only the mesh identities may invoke.
   */
  allowUnauthenticated: z.boolean().default(false),
  /** Secret Manager secret (latest version) with an authorized ssh public key, passed as SSH_AUTH. */
  sshAuthorizedKeySecret: secretId.optional(),
});

/** A Kubernetes Service name that spreads traffic over several Cloud Run services by weight (the seed's 25/75). */
const routeSchema = z.strictObject({
  name: dns1123Label,
  namespace: workloadNamespace,
  backends: z
    .array(
      z.strictObject({
        /** A workload's name. */
        workload: cloudRunServiceName,
        /** Percent of requests. All backends of a route add up to 100. */
        weight: z.number().int().min(0).max(100),
      }),
    )
    .min(1, 'must list at least one backend'),
});

/** The `cloudrunMesh` section (seed 001): Cloud Run services joined to the Istio mesh of an existing GKE cluster. */
export const cloudrunMeshSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
  /** The existing GKE cluster with Istio or Cloud Service Mesh that the services join. */
  cluster: z.strictObject({
    name: resourceName(40),
    /** Zone or region of the cluster (the seed's CLUSTER_LOCATION). */
    location: z.union([zone, region], { error: 'must be a zone such as us-central1-c or a region such as us-central1' }),
    /** VPC network of the cluster: the connector joins it. */
    network: resourceName(63).default('default'),
    /** Subnetwork of the cluster's nodes: the gateway's internal address is reserved in it. */
    subnetwork: resourceName(63).default('default'),
  }),
  /** Istio revision label of the workload namespaces (istio.io/rev), the seed's asm-managed. */
  istioRevision: dns1123Label.default('asm-managed'),
  /** Serverless VPC Access connector in the region: how Cloud Run reaches the cluster's internal addresses. */
  connector: z
    .strictObject({
      /** The seed calls it serverlesscon. */
      name: z
        .string()
        .regex(/^[a-z][-a-z0-9]{0,23}[a-z0-9]$/, 'must be 2-25 lowercase letters, digits or hyphens, starting with a letter')
        .default('serverlesscon'),
      /** An unused /28 on the cluster's network. */
      ipCidrRange: ipv4Cidr.default('10.8.0.0/28'),
      minInstances: z.number().int().min(2).max(9).default(2),
      maxInstances: z.number().int().min(3).max(10).default(10),
      machineType: machineType.default('e2-micro'),
    })
    .prefault({}),
  /** The krun "mesh connector" gateway (hgate) in istio-system, the seed's `kubectl apply -k manifests/`. */
  gateway: z
    .strictObject({
      /** Install it; false when the cluster already runs it (then internalAddress is its internal-hgate address). */
      install: z.boolean().default(true),
      /** The gate image (krun's cmd/gate), pinned. Required with install. */
      image: pinnedImage.optional(),
      /** Address of the internal-hgate load balancer: reserved, and the WorkloadEntry address of every service. */
      internalAddress: privateIpv4Address,
      /**
       * Also expose the gateway on a public load balancer (the seed's `hgate` Service). Without it, the gate is told the
       * internal address as its MCON_ADDR, which it otherwise waits for from `hgate` forever.
       */
      external: z.boolean().default(true),
      /** Who may reach the public load balancer. @default any address (synth warns) */
      externalSourceRanges: z.array(ipv4Cidr).min(1, 'must list at least one range; omit the key for any').optional(),
    }),
  workloads: z.array(workloadSchema).min(1, 'must list at least one Cloud Run service'),
  routes: z.array(routeSchema).default([]),
  /** The seed's in-cluster fortio sample, which the Cloud Run service calls (and is called from). */
  fortio: z
    .strictObject({
      install: z.boolean().default(true),
      namespace: workloadNamespace.default('fortio'),
      image: pinnedImage.default('docker.io/fortio/fortio:1.69.4'),
    })
    .prefault({}),
  /** Terraform may delete the Cloud Run services (they hold no data). */
  deletionProtection: z.boolean().default(false),
});

export type CloudrunMeshConfig = z.infer<typeof cloudrunMeshSchema>;
export type MeshWorkload = CloudrunMeshConfig['workloads'][number];

/** Checks across the section: unique names, route backends and weights, the gateway's address and image. */
export function cloudrunMeshProblems(section: unknown): CrossFieldProblem[] {
  const root = asRecord(section);
  if (root.enabled === false) return [];
  const problems: CrossFieldProblem[] = [];
  const problem = (path: (string | number)[], input: unknown, message: string) =>
    problems.push({ path: ['cloudrunMesh', ...path.map(String)], input, message });
  const gateway = asRecord(root.gateway);
  const connector = asRecord(root.connector);
  const workloads = Array.isArray(root.workloads) ? root.workloads.map(asRecord) : [];
  const routes = Array.isArray(root.routes) ? root.routes.map(asRecord) : [];

  if (root.gateway !== undefined && gateway.install !== false && gateway.image === undefined) {
    problem(['gateway', 'image'], undefined, "is required with install: the krun gate image (cmd/gate), pinned");
  }
  // Without env-asm-managed (managed Cloud Service Mesh), the gate gives launchers istiod through the public hgate.
  const revision = root.istioRevision ?? 'asm-managed';
  if (gateway.external === false && typeof revision === 'string' && !revision.startsWith('asm-managed')) {
    problem(
      ['gateway', 'external'],
      false,
      `needs managed Cloud Service Mesh (istioRevision asm-managed, asm-managed-rapid or asm-managed-stable; it is ${revision}): ` +
        'with in-cluster Istio the launchers reach istiod through the public hgate',
    );
  }
  const range = typeof connector.ipCidrRange === 'string' ? parseCidr(connector.ipCidrRange) : undefined;
  if (range && range.prefixLength !== 28) {
    problem(['connector', 'ipCidrRange'], connector.ipCidrRange, 'must be a /28: Serverless VPC Access takes exactly 16 addresses');
  } else if (range && !isRfc1918(range.network)) {
    problem(['connector', 'ipCidrRange'], connector.ipCidrRange, 'must be a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)');
  }
  const address = typeof gateway.internalAddress === 'string' ? parseIpv4(gateway.internalAddress) : undefined;
  if (range && address !== undefined && cidrContains(range, address)) {
    problem(['gateway', 'internalAddress'], gateway.internalAddress, `must lie outside the connector's range ${String(connector.ipCidrRange)}`);
  }
  if (typeof connector.minInstances === 'number' && typeof connector.maxInstances === 'number') {
    if (connector.minInstances >= connector.maxInstances) {
      problem(['connector', 'minInstances'], connector.minInstances, `must be below maxInstances ${connector.maxInstances}`);
    }
  }

  const workloadIndex = new Map<string, number>();
  workloads.forEach((workload, index) => {
    if (typeof workload.name !== 'string') return;
    const first = workloadIndex.get(workload.name);
    if (first !== undefined) {
      problem(['workloads', index, 'name'], workload.name, `repeats workloads[${first}]: Cloud Run service names are unique per region`);
    } else {
      workloadIndex.set(workload.name, index);
    }
    if (typeof workload.minInstances === 'number' && typeof workload.maxInstances === 'number' && workload.minInstances > workload.maxInstances) {
      problem(['workloads', index, 'minInstances'], workload.minInstances, `must not exceed maxInstances ${workload.maxInstances}`);
    }
  });

  const routeKeys = new Set<string>();
  routes.forEach((route, index) => {
    const key = `${String(route.namespace)}/${String(route.name)}`;
    if (routeKeys.has(key)) problem(['routes', index, 'name'], route.name, `repeats another route in namespace ${String(route.namespace)}`);
    routeKeys.add(key);
    // The route's Service and VirtualService would replace those of a workload of the same name.
    const clash = workloads.find((w) => w.name === route.name && w.namespace === route.namespace);
    if (clash) {
      problem(['routes', index, 'name'], route.name, `is a workload's name in namespace ${String(route.namespace)}; pick another`);
    }
    const backends = Array.isArray(route.backends) ? route.backends.map(asRecord) : [];
    backends.forEach((backend, backendIndex) => {
      if (typeof backend.workload === 'string' && !workloadIndex.has(backend.workload)) {
        problem(
          ['routes', index, 'backends', backendIndex, 'workload'],
          backend.workload,
          `must name a workload (${[...workloadIndex.keys()].join(', ') || 'none configured'})`,
        );
      }
    });
    const weights = backends.map((b) => b.weight);
    if (weights.length > 0 && weights.every((w) => typeof w === 'number')) {
      const total = (weights as number[]).reduce((sum, w) => sum + w, 0);
      if (total !== 100) problem(['routes', index, 'backends'], weights, `weights must add up to 100 (they add up to ${total})`);
    }
  });
  return problems;
}

/** The console's default scaling for a new connector, which the seed's serverlesscon has unless changed there. */
const CONSOLE_CONNECTOR_MAX_INSTANCES = 10;

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts). Only the connector's scaling can be told from config: fewer
 * instances than it has force a new connector (google/services/vpcaccess/resource_vpc_access_connector.go at v6.50.0,
 * CustomizeDiff ForceNewIfChange isInstanceShrinkage; minInstances is never below the console's 2 here). Its network
 * and /28 (ForceNew) were the seed user's choice in the console, so the page says how to read them. The service
 * account, the Cloud Run service (only name, location and project are ForceNew) and the Kubernetes objects (the seed's
 * names and selectors) change in place.
 */
export function cloudrunMeshReplacements(config: Config): ForcedReplacement[] {
  const connector = config.cloudrunMesh?.connector;
  if (!connector || connector.maxInstances >= CONSOLE_CONNECTOR_MAX_INSTANCES) return [];
  return [
    {
      resource: `google_vpc_access_connector ${connector.name}`,
      setting: 'max_instances',
      seed: `${CONSOLE_CONNECTOR_MAX_INSTANCES} (the console's default)`,
      ours: String(connector.maxInstances),
      decide:
        'a connector only grows in place; a new one takes minutes, in which the Cloud Run services reach nothing in ' +
        `the cluster. Set cloudrunMesh.connector.maxInstances to ${CONSOLE_CONNECTOR_MAX_INSTANCES} (or what the console ` +
        'shows for serverlesscon) to keep it',
    },
  ];
}
