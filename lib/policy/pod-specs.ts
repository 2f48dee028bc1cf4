import { parse } from 'yaml';
import { manifestYamlOf } from '../k8s/manifest';
import type { Attributes } from './rules/rule';

/**
 * Where the baseline finds pods: the pod specs of kubernetes workload resources, of Kubernetes objects written as
 * `kubernetes_manifest`, and the containers this project hands a Helm chart in its values.
 */

/**
 * One field of a Kubernetes object in either spelling: the API's (`securityContext.runAsNonRoot`, `initContainers`)
 * or the kubernetes provider's, which is snake_case and names a list of blocks in the singular (`security_context`,
 * `init_container`). A one-element list of blocks is stepped into, as Terraform JSON may nest a block that way.
 */
export function field(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') return undefined;
    const object = current as Record<string, unknown>;
    current = [key, snakeCase(key), snakeCase(key).replace(/s$/, '')]
      .map((name) => object[name])
      .find((v) => v !== undefined);
  }
  return current;
}

/** A list field, also when the provider's JSON holds one block as an object. */
export function listField(value: unknown, path: string): unknown[] {
  const found = field(value, path);
  if (found === undefined || found === null) return [];
  return Array.isArray(found) ? found : [found];
}

/** runAsNonRoot -> run_as_non_root, hostPID -> host_pid. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z]+)/g, '$1_$2').toLowerCase();
}

/**
 * What a container is to its pod. `native-sidecar`: an init container with restartPolicy Always, which runs for the
 * pod's lifetime; `knative-sidecar`: a container of a Knative Service other than the one that serves.
 */
export type ContainerKind = 'container' | 'init' | 'native-sidecar' | 'knative-sidecar';

export interface PodContainer {
  readonly name: string;
  readonly kind: ContainerKind;
  /** The container as written, in either spelling (read it with `field`). */
  readonly spec: unknown;
}

export interface FoundPod {
  /** Where the pod spec is, for messages: `Deployment`, `Knative Service`, `chart skypilot, values extraInitContainers`. */
  readonly source: string;
  /** The pod-level spec; undefined where a chart renders the pod and only some containers are ours. */
  readonly pod?: unknown;
  readonly containers: readonly PodContainer[];
  /** A Job's or CronJob's pod, whose containers run to completion. */
  readonly runsToCompletion: boolean;
  /** metadata.namespace of the object, where it has one of its own. */
  readonly namespace?: unknown;
}

const TEMPLATE = 'spec.template.spec';
const CRON_JOB_TEMPLATE = 'spec.jobTemplate.spec.template.spec';

interface Workload {
  readonly kind: string;
  /** Path from the object to its pod spec, in API spelling (`field` reads the provider's too). */
  readonly podPath: string;
  readonly runsToCompletion?: boolean;
}

const DEPLOYMENT: Workload = { kind: 'Deployment', podPath: TEMPLATE };
const STATEFUL_SET: Workload = { kind: 'StatefulSet', podPath: TEMPLATE };
const DAEMON_SET: Workload = { kind: 'DaemonSet', podPath: TEMPLATE };
const JOB: Workload = { kind: 'Job', podPath: TEMPLATE, runsToCompletion: true };
const CRON_JOB: Workload = { kind: 'CronJob', podPath: CRON_JOB_TEMPLATE, runsToCompletion: true };
const POD: Workload = { kind: 'Pod', podPath: 'spec' };
const KNATIVE_SERVICE: Workload = { kind: 'Knative Service', podPath: TEMPLATE };

/** kubernetes provider resources that hold a pod spec, current and deprecated names. */
const PROVIDER_WORKLOADS: Readonly<Record<string, Workload>> = {
  kubernetes_deployment_v1: DEPLOYMENT,
  kubernetes_deployment: DEPLOYMENT,
  kubernetes_stateful_set_v1: STATEFUL_SET,
  kubernetes_stateful_set: STATEFUL_SET,
  kubernetes_daemon_set_v1: DAEMON_SET,
  kubernetes_daemonset: DAEMON_SET,
  kubernetes_job_v1: JOB,
  kubernetes_job: JOB,
  kubernetes_cron_job_v1: CRON_JOB,
  kubernetes_cron_job: CRON_JOB,
  kubernetes_pod_v1: POD,
  kubernetes_pod: POD,
};

/** Kinds of the core API with a pod spec, by kind (any apiVersion: apps/v1, batch/v1, v1). */
const API_WORKLOADS: Readonly<Record<string, Workload>> = {
  Deployment: DEPLOYMENT,
  StatefulSet: STATEFUL_SET,
  DaemonSet: DAEMON_SET,
  ReplicaSet: { kind: 'ReplicaSet', podPath: TEMPLATE },
  Job: JOB,
  CronJob: CRON_JOB,
  Pod: POD,
};

/**
 * The values keys where a chart takes containers from us, by chart name. Only what we hand the chart is ours to check;
 * what the chart renders from its own defaults is the chart's (the blueprint pages name it).
 */
const CHART_CONTAINER_VALUES: Readonly<Record<string, readonly { readonly key: string; readonly list: PodList }[]>> = {
  skypilot: [{ key: 'extraInitContainers', list: 'initContainers' }],
  'skypilot-nightly': [{ key: 'extraInitContainers', list: 'initContainers' }],
};

type PodList = 'containers' | 'initContainers';

export const MANIFEST = 'kubernetes_manifest';
export const HELM_RELEASE = 'helm_release';

/** Every resource type whose pods the finder reads. */
export const POD_RESOURCE_TYPES: readonly string[] = [...Object.keys(PROVIDER_WORKLOADS), MANIFEST, HELM_RELEASE];
/** The kubernetes provider's workload resource types (each holds one pod spec). */
export const WORKLOAD_RESOURCE_TYPES: readonly string[] = Object.keys(PROVIDER_WORKLOADS);

const found = new WeakMap<Attributes, FoundPod[]>();

/** The pods a resource runs, or none. Read once per resource: every Kubernetes rule asks. */
export function podSpecs(attrs: Attributes, resourceType: string): FoundPod[] {
  let pods = found.get(attrs);
  if (!pods) {
    pods = findPods(attrs, resourceType);
    found.set(attrs, pods);
  }
  return pods;
}

function findPods(attrs: Attributes, resourceType: string): FoundPod[] {
  const workload = PROVIDER_WORKLOADS[resourceType];
  if (workload) return [podOf(attrs, workload)];
  if (resourceType === MANIFEST) {
    const object = manifestObject(attrs);
    const manifestWorkload = object === undefined ? undefined : workloadOf(object);
    return manifestWorkload ? [podOf(object, manifestWorkload)] : [];
  }
  if (resourceType === HELM_RELEASE) return chartValuesPods(attrs);
  return [];
}

function workloadOf(object: unknown): Workload | undefined {
  const kind = field(object, 'kind');
  const apiVersion = field(object, 'apiVersion');
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
  if (apiVersion.startsWith('serving.knative.dev/')) return kind === 'Service' ? KNATIVE_SERVICE : undefined;
  // A group with a dot (networking.istio.io, apps.openshift.io) is not the core API's.
  return apiVersion.includes('.') ? undefined : API_WORKLOADS[kind];
}

function podOf(object: unknown, workload: Workload): FoundPod {
  const pod = field(object, workload.podPath);
  return {
    source: workload.kind,
    pod: pod ?? {},
    containers: [
      ...containersOf(pod, 'containers', workload === KNATIVE_SERVICE),
      ...containersOf(pod, 'initContainers', false),
    ],
    runsToCompletion: workload.runsToCompletion === true,
    namespace: field(object, 'metadata.namespace'),
  };
}

function containersOf(pod: unknown, list: PodList, knative: boolean): PodContainer[] {
  const containers = listField(pod, list);
  // Knative serves through the one container that declares a port (or the only one); the others are its sidecars.
  const serving = containers.length === 1 ? containers[0] : containers.find((c) => listField(c, 'ports').length > 0);
  return containers.map((spec) => ({
    name: String(field(spec, 'name') ?? '(unnamed)'),
    kind: kindOf(spec, list, knative && spec !== serving),
    spec,
  }));
}

function kindOf(container: unknown, list: PodList, knativeSidecar: boolean): ContainerKind {
  if (list === 'initContainers') return field(container, 'restartPolicy') === 'Always' ? 'native-sidecar' : 'init';
  return knativeSidecar ? 'knative-sidecar' : 'container';
}

/** What a Terraform interpolation (`${...}`, `%{...}`) reads as once masked: a value known only at plan. */
export const PLAN_VALUE = 'terraform-plan-value';

/** Whether a string is known only at plan: it holds a Terraform interpolation, raw or masked. */
export function knownAtPlanOnly(value: string): boolean {
  return value.includes('${') || value.includes(PLAN_VALUE);
}

const manifestObjects = new WeakMap<Attributes, unknown>();

/**
 * The object of a kubernetes_manifest: a literal map as it is, `yamldecode("...")` read back as Terraform reads it
 * (YAML 1.1). Interpolations read as PLAN_VALUE. Read once per resource (rules ask for every container of a stack);
 * callers must not change it.
 */
export function manifestObject(attrs: Attributes): unknown {
  const manifest = attrs.manifest;
  if (typeof manifest !== 'string') return manifest;
  if (!manifestObjects.has(attrs)) {
    const yaml = manifestYamlOf(manifest);
    manifestObjects.set(attrs, yaml === undefined ? undefined : parseTerraformYaml(yaml));
  }
  return manifestObjects.get(attrs);
}

/** YAML in a Terraform string: `$${` and `%%{` are literal, any other interpolation becomes PLAN_VALUE. */
function parseTerraformYaml(text: string): unknown {
  let yaml = '';
  let i = 0;
  while (i < text.length) {
    const two = text.slice(i, i + 2);
    if (['$${', '%%{'].includes(text.slice(i, i + 3))) {
      yaml += `${text[i]}{`;
      i += 3;
    } else if (two === '${' || two === '%{') {
      yaml += PLAN_VALUE;
      i = closingBrace(text, i + 1) + 1;
    } else {
      yaml += text[i];
      i += 1;
    }
  }
  return parse(yaml, { version: '1.1' });
}

/** Index of the brace that closes the one at `open`, or the text's end. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** The containers we put in a chart's values (see CHART_CONTAINER_VALUES); the chart owns the rest of the pod. */
function chartValuesPods(attrs: Attributes): FoundPod[] {
  const chart = typeof attrs.chart === 'string' ? attrs.chart.split('/').pop()! : '';
  const documents = (Array.isArray(attrs.values) ? attrs.values : []).filter((v): v is string => typeof v === 'string');
  return (CHART_CONTAINER_VALUES[chart] ?? []).flatMap(({ key, list }) => {
    const containers = documents.flatMap((document) =>
      containersOf({ [list]: field(parseTerraformYaml(document), key) }, list, false),
    );
    return containers.length === 0
      ? []
      : [{ source: `chart ${chart}, values ${key}`, containers, runsToCompletion: false }];
  });
}
