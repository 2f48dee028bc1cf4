import {
  field,
  FoundPod,
  knownAtPlanOnly,
  listField,
  MANIFEST,
  manifestObject,
  PodContainer,
  podSpecs,
  POD_RESOURCE_TYPES,
  WORKLOAD_RESOURCE_TYPES,
} from '../pod-specs';
import { Attributes, Rule, StackResource } from './rule';

/**
 * Kubernetes workloads and RBAC (checkov's CKV_K8S checks). Container rules read every pod the finder sees
 * (lib/policy/pod-specs.ts): provider workload resources, workload manifests, and the containers we hand a chart in
 * its values; pod-level rules skip a chart's pod, which the chart renders. Checkov's Terraform checks read only the
 * provider's `container` list; these read init containers too, as its manifest checks do.
 */

type ContainerProblem = (container: PodContainer, pod: FoundPod, stack: readonly StackResource[]) => string | undefined;

/** A rule that names each container it finds wrong: `container psql: ...`. */
function containerRule(id: string, fix: string, problem: ContainerProblem): Rule {
  return {
    id,
    resourceTypes: POD_RESOURCE_TYPES,
    check: (attrs, resourceType, stack) => {
      const problems = podSpecs(attrs, resourceType).flatMap((pod) =>
        pod.containers.flatMap((container) => {
          const found = problem(container, pod, stack);
          return found === undefined ? [] : [`container ${container.name}: ${found}`];
        }),
      );
      return problems.length === 0 ? undefined : problems.join('; ');
    },
    fix,
  };
}

/** A rule on the pod-level spec; a chart's pod is the chart's. */
function podRule(id: string, fix: string, problem: (pod: unknown) => string | undefined): Rule {
  return {
    id,
    resourceTypes: POD_RESOURCE_TYPES,
    check: (attrs, resourceType) => {
      const problems = podSpecs(attrs, resourceType).flatMap((found) => {
        const wrong = found.pod === undefined ? undefined : problem(found.pod);
        return wrong === undefined ? [] : [`the ${found.source} pod ${wrong}`];
      });
      return problems.length === 0 ? undefined : problems.join('; ');
    },
    fix,
  };
}

const securityContext = (container: PodContainer) => field(container.spec, 'securityContext');

/** Capability names as Kubernetes compares them: upper case, without CAP_. */
function capabilities(container: PodContainer, list: 'add' | 'drop'): string[] {
  return listField(securityContext(container), `capabilities.${list}`).map((c) =>
    String(c).toUpperCase().replace(/^CAP_/, ''),
  );
}

const drops = (container: PodContainer, ...names: string[]) =>
  capabilities(container, 'drop').some((c) => ['ALL', ...names].includes(c));

/** A number the provider may write as a string ("70"); undefined when absent or known only at plan. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Whether the platform takes liveness and readiness probes on a container. Native sidecars (init containers with
 * restartPolicy Always) run for the pod's lifetime and take them like any container. An ordinary init container runs
 * to completion before the others start and needs none (Kubernetes refuses both on it), nor does a Job's container:
 * nothing routes to it, and activeDeadlineSeconds, not a probe, ends a hung run. Knative Serving refuses both on a
 * Service's sidecars unless config-features enables multi-container-probing (knative/serving knative-v1.18.0,
 * pkg/apis/serving/k8s_validation.go validateSidecarContainer): they are asked for only where a KnativeServing of the
 * stack enables it.
 */
function takesProbes(container: PodContainer, pod: FoundPod, stack: readonly StackResource[]): boolean {
  if (pod.runsToCompletion || container.kind === 'init') return false;
  return container.kind !== 'knative-sidecar' || knativeMultiContainerProbing(stack);
}

function knativeMultiContainerProbing(stack: readonly StackResource[]): boolean {
  return stack.some((resource) => {
    if (resource.type !== MANIFEST) return false;
    const object = manifestObject(resource.attrs);
    return (
      field(object, 'kind') === 'KnativeServing' &&
      field(object, 'spec.config.features.multi-container-probing') === 'enabled'
    );
  });
}

function probeRule(id: string, probe: 'livenessProbe' | 'readinessProbe', fix: string): Rule {
  return containerRule(id, fix, (container, pod, stack) =>
    takesProbes(container, pod, stack) && field(container.spec, probe) === undefined ? `no ${probe}` : undefined,
  );
}

function resourceRule(id: string, path: 'requests.cpu' | 'requests.memory' | 'limits.memory', fix: string): Rule {
  return containerRule(id, fix, (container) =>
    field(container.spec, `resources.${path}`) === undefined ? `no resources.${path}` : undefined,
  );
}

/** The tag of an image reference, after the last path segment's colon (a registry's port is not a tag). */
function imageTag(image: string): string | undefined {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon < 0 ? undefined : lastSegment.slice(colon + 1);
}

const byDigest = (image: unknown) => typeof image === 'string' && image.includes('@');

function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'no image';
  if (knownAtPlanOnly(image) || byDigest(image)) return undefined;
  const tag = imageTag(image);
  if (!tag) return `image ${image} has no tag, which pulls latest`;
  return tag === 'latest' ? `image ${image} is tagged latest` : undefined;
}

/** Where a container runtime's socket lives on a node: mounted into a pod, it controls every container there. */
const RUNTIME_SOCKETS = new Set([
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
]);

const hostNamespaceRule = (id: string, key: 'hostPID' | 'hostIPC' | 'hostNetwork', what: string, provider: string) =>
  podRule(id, `leave ${provider} unset or false (${key} in a manifest)`, (pod) =>
    field(pod, key) === true ? `shares the host's ${what} (${key})` : undefined,
  );

/** checkov's Terraform CKV_K8S_21 types: workloads and the namespaced objects it lists. */
const NAMESPACED_TYPES = [
  ...WORKLOAD_RESOURCE_TYPES,
  'kubernetes_replication_controller_v1',
  'kubernetes_replication_controller',
  'kubernetes_service_v1',
  'kubernetes_service',
  'kubernetes_secret_v1',
  'kubernetes_secret',
  'kubernetes_service_account_v1',
  'kubernetes_service_account',
  'kubernetes_role_binding_v1',
  'kubernetes_role_binding',
  'kubernetes_config_map_v1',
  'kubernetes_config_map',
  'kubernetes_ingress_v1',
  'kubernetes_ingress',
];

function namespaceOf(
  attrs: Attributes,
  resourceType: string,
): { readonly checked: boolean; readonly namespace?: unknown } {
  if (resourceType !== MANIFEST) return { checked: true, namespace: field(attrs, 'metadata.namespace') };
  // Of manifests, only workloads: whether another kind is namespaced at all depends on its definition.
  const [pod] = podSpecs(attrs, resourceType);
  return { checked: pod !== undefined, namespace: pod?.namespace };
}

const ROLE_BINDINGS = [
  'kubernetes_role_binding_v1',
  'kubernetes_role_binding',
  'kubernetes_cluster_role_binding_v1',
  'kubernetes_cluster_role_binding',
];
const ROLES = ['kubernetes_role_v1', 'kubernetes_role', 'kubernetes_cluster_role_v1', 'kubernetes_cluster_role'];

/** Where a container fix goes; manifests and chart values take the same field in API spelling. */
const EVERY_CONTAINER = 'on every container';

export const KUBERNETES_RULES: readonly Rule[] = [
  probeRule(
    'CKV_K8S_8',
    'livenessProbe',
    'add liveness_probe (livenessProbe) to each long-running container: an endpoint that fails only when a restart helps, not when a dependency such as the database is down',
  ),
  probeRule(
    'CKV_K8S_9',
    'readinessProbe',
    'add readiness_probe (readinessProbe) to each long-running container, so traffic waits until it can serve',
  ),
  resourceRule('CKV_K8S_10', 'requests.cpu', `set resources { requests = { cpu = ... } } ${EVERY_CONTAINER}`),
  resourceRule('CKV_K8S_12', 'limits.memory', `set resources { limits = { memory = ... } } ${EVERY_CONTAINER}`),
  resourceRule('CKV_K8S_13', 'requests.memory', `set resources { requests = { memory = ... } } ${EVERY_CONTAINER}`),
  containerRule('CKV_K8S_14', 'pin each image by a release tag or a digest (not latest, not untagged)', (container) =>
    imageProblem(field(container.spec, 'image')),
  ),
  containerRule(
    'CKV_K8S_15',
    'set image_pull_policy = "Always" (imagePullPolicy: Always), or pin the image by digest',
    (container) => {
      const policy = field(container.spec, 'imagePullPolicy');
      if (policy === 'Always' || byDigest(field(container.spec, 'image'))) return undefined;
      return `imagePullPolicy is ${typeof policy === 'string' ? policy : 'unset (IfNotPresent for a tagged image)'}`;
    },
  ),
  containerRule('CKV_K8S_16', 'remove security_context { privileged = true }', (container) =>
    field(securityContext(container), 'privileged') === true ? 'runs privileged' : undefined,
  ),
  hostNamespaceRule('CKV_K8S_17', 'hostPID', 'process ID namespace', 'host_pid'),
  hostNamespaceRule('CKV_K8S_18', 'hostIPC', 'IPC namespace', 'host_ipc'),
  hostNamespaceRule('CKV_K8S_19', 'hostNetwork', 'network namespace', 'host_network'),
  containerRule(
    'CKV_K8S_20',
    `set security_context { allow_privilege_escalation = false } ${EVERY_CONTAINER}`,
    (container) =>
      field(securityContext(container), 'allowPrivilegeEscalation') === false
        ? undefined
        : 'allowPrivilegeEscalation is not false',
  ),
  {
    id: 'CKV_K8S_21',
    resourceTypes: [...NAMESPACED_TYPES, MANIFEST],
    check: (attrs, resourceType) => {
      const { checked, namespace } = namespaceOf(attrs, resourceType);
      if (!checked) return undefined;
      if (namespace === undefined || namespace === '') return 'has no namespace, so it goes to default';
      return namespace === 'default' ? 'is in the default namespace' : undefined;
    },
    fix: 'set metadata { namespace = <a namespace of its own> }',
  },
  containerRule(
    'CKV_K8S_22',
    `set security_context { read_only_root_filesystem = true } ${EVERY_CONTAINER}, with an emptyDir where the image writes`,
    (container) =>
      field(securityContext(container), 'readOnlyRootFilesystem') === true
        ? undefined
        : 'its root filesystem is writable',
  ),
  containerRule(
    'CKV_K8S_23',
    'set security_context { run_as_non_root = true } (and run_as_user, a UID above 0, when the image runs as root or names its user)',
    (container, pod) => {
      const podContext = field(pod.pod, 'securityContext');
      const user = asNumber(field(securityContext(container), 'runAsUser') ?? field(podContext, 'runAsUser'));
      const nonRoot = field(securityContext(container), 'runAsNonRoot') ?? field(podContext, 'runAsNonRoot');
      if (user === 0) return 'runs as root (runAsUser 0)';
      if (nonRoot === true || (user !== undefined && user > 0)) return undefined;
      return "may run as root: no runAsNonRoot and no runAsUser above 0, so the image's USER decides";
    },
  ),
  containerRule('CKV_K8S_25', 'remove security_context { capabilities { add } }', (container) => {
    const added = capabilities(container, 'add');
    return added.length > 0 ? `adds capabilities ${added.join(', ')}` : undefined;
  }),
  containerRule(
    'CKV_K8S_26',
    'remove host_port from the container ports; reach the pod through a Service',
    (container) => {
      const hostPorts = listField(container.spec, 'ports')
        .map((port) => field(port, 'hostPort'))
        .filter((port) => port);
      return hostPorts.length > 0 ? `binds host port ${hostPorts.join(', ')}` : undefined;
    },
  ),
  podRule('CKV_K8S_27', "remove the host_path volume of the container runtime's socket", (pod) => {
    const sockets = listField(pod, 'volumes')
      .map((volume) => field(volume, 'hostPath.path'))
      .filter((path): path is string => typeof path === 'string' && RUNTIME_SOCKETS.has(path));
    return sockets.length > 0 ? `mounts the container runtime's socket ${sockets.join(', ')}` : undefined;
  }),
  containerRule(
    'CKV_K8S_28',
    `set security_context { capabilities { drop = ["ALL"] } } ${EVERY_CONTAINER}`,
    (container) =>
      drops(container, 'NET_RAW') ? undefined : 'keeps NET_RAW (capabilities.drop has neither ALL nor NET_RAW)',
  ),
  containerRule('CKV_K8S_30', `set security_context { ... } ${EVERY_CONTAINER}`, (container) => {
    const context = securityContext(container);
    return context !== null && typeof context === 'object' && Object.keys(context).length > 0
      ? undefined
      : 'no securityContext';
  }),
  containerRule(
    'CKV_K8S_31',
    `set security_context { seccomp_profile { type = "RuntimeDefault" } } ${EVERY_CONTAINER} (or on the pod)`,
    (container, pod) => {
      const profile =
        field(securityContext(container), 'seccompProfile.type') ??
        field(pod.pod, 'securityContext.seccompProfile.type');
      return profile === 'RuntimeDefault'
        ? undefined
        : `seccomp profile is ${typeof profile === 'string' ? profile : 'unset (Unconfined)'}`;
    },
  ),
  containerRule(
    'CKV_K8S_37',
    `set security_context { capabilities { drop = ["ALL"] } } ${EVERY_CONTAINER}`,
    (container) => (drops(container) ? undefined : 'capabilities.drop does not include ALL'),
  ),
  podRule(
    'CKV_K8S_38',
    'set automount_service_account_token = false on the pod spec (automountServiceAccountToken: false), unless it calls the Kubernetes API',
    (pod) =>
      field(pod, 'automountServiceAccountToken') === false
        ? undefined
        : 'mounts a service account token (automountServiceAccountToken is not false)',
  ),
  containerRule('CKV_K8S_39', 'remove SYS_ADMIN from security_context { capabilities { add } }', (container) =>
    capabilities(container, 'add').includes('SYS_ADMIN') ? 'adds SYS_ADMIN' : undefined,
  ),
  {
    id: 'CKV_K8S_41',
    resourceTypes: [
      'kubernetes_service_account_v1',
      'kubernetes_service_account',
      'kubernetes_default_service_account_v1',
      'kubernetes_default_service_account',
    ],
    check: (attrs, resourceType) => {
      const isDefault = resourceType.includes('_default_') || field(attrs, 'metadata.name') === 'default';
      return isDefault && attrs.automount_service_account_token !== false
        ? 'the default service account mounts its token into every pod that names no other'
        : undefined;
    },
    fix: 'set automount_service_account_token = false on the default service account; give workloads their own',
  },
  {
    id: 'CKV_K8S_42',
    resourceTypes: ROLE_BINDINGS,
    check: (attrs) => {
      const bound = listField(attrs, 'subjects')
        .filter((subject) => field(subject, 'kind') === 'ServiceAccount' && field(subject, 'name') === 'default')
        .map((subject) => `${String(field(subject, 'namespace') ?? '?')}/default`);
      return bound.length > 0
        ? `grants to the default service account ${bound.join(', ')}, so to every pod that names no other`
        : undefined;
    },
    fix: 'bind a service account of the workload that needs the role, not default',
  },
  {
    id: 'CKV_K8S_49',
    resourceTypes: ROLES,
    check: (attrs) => {
      const wildcards = listField(attrs, 'rules').flatMap((rule) =>
        (['apiGroups', 'resources', 'verbs'] as const).filter((key) => listField(rule, key).includes('*')),
      );
      return wildcards.length > 0 ? `grants * in ${[...new Set(wildcards)].join(', ')}` : undefined;
    },
    fix: 'list the api_groups, resources and verbs the role needs instead of *',
  },
  containerRule('CKV_K8S_159', 'remove GITSYNC_GIT: git-sync would run that program as git', (container) =>
    listField(container.spec, 'env').some((variable) => field(variable, 'name') === 'GITSYNC_GIT')
      ? 'sets GITSYNC_GIT'
      : undefined,
  ),
];
