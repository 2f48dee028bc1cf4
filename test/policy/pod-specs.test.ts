import { stringify } from 'yaml';
import { field, manifestObject, PLAN_VALUE, podSpecs } from '../../lib/policy/pod-specs';
import { COMPLIANT_CONTAINER, deployment, manifest, skypilotRelease } from './cases/kubernetes';

type Attrs = Record<string, unknown>;

const names = (attrs: Attrs, type: string) =>
  podSpecs(attrs, type).map((pod) => ({
    source: pod.source,
    containers: pod.containers.map((c) => `${c.name} ${c.kind}`),
  }));

describe('field', () => {
  test('reads the API spelling and the provider spelling alike', () => {
    expect(field({ securityContext: { runAsNonRoot: true } }, 'securityContext.runAsNonRoot')).toBe(true);
    expect(field({ security_context: { run_as_non_root: true } }, 'securityContext.runAsNonRoot')).toBe(true);
    expect(field({ host_pid: true }, 'hostPID')).toBe(true);
    expect(field({ spec: { job_template: { spec: 1 } } }, 'spec.jobTemplate.spec')).toBe(1);
  });

  test("names a provider list of blocks in the singular, and steps into Terraform's one-element block lists", () => {
    expect(field({ init_container: [{ name: 'a' }] }, 'initContainers')).toEqual([{ name: 'a' }]);
    expect(field({ spec: [{ template: [{ spec: [{ host_ipc: true }] }] }] }, 'spec.template.spec.hostIPC')).toBe(true);
    // A provider list of strings keeps its plural: api_groups, not api_group.
    expect(field({ api_groups: ['apps'] }, 'apiGroups')).toEqual(['apps']);
  });

  test('is undefined where the path leaves the object', () => {
    expect(field({ spec: 'text' }, 'spec.template')).toBeUndefined();
    expect(field(undefined, 'spec')).toBeUndefined();
  });
});

describe('pod specs of provider workloads', () => {
  test('a Deployment: its containers, native sidecars and init containers', () => {
    const attrs = deployment(
      {},
      { init_container: [{ name: 'migrate' }, { name: 'proxy', restart_policy: 'Always' }] },
    );
    expect(names(attrs, 'kubernetes_deployment_v1')).toEqual([
      { source: 'Deployment', containers: ['app container', 'migrate init', 'proxy native-sidecar'] },
    ]);
    expect(podSpecs(attrs, 'kubernetes_deployment_v1')[0]).toMatchObject({
      runsToCompletion: false,
      namespace: 'apps',
    });
  });

  test("a CronJob's pod is under its job template, and runs to completion", () => {
    const attrs = {
      metadata: { namespace: 'ops' },
      spec: { job_template: { spec: { template: { spec: { container: [COMPLIANT_CONTAINER] } } } } },
    };
    expect(names(attrs, 'kubernetes_cron_job_v1')).toEqual([{ source: 'CronJob', containers: ['app container'] }]);
    expect(podSpecs(attrs, 'kubernetes_cron_job_v1')[0].runsToCompletion).toBe(true);
  });

  test('a Pod holds its spec directly; other resources hold none', () => {
    expect(names({ spec: { container: [{ name: 'one' }] } }, 'kubernetes_pod_v1')).toEqual([
      { source: 'Pod', containers: ['one container'] },
    ]);
    expect(podSpecs({ metadata: { name: 'x' } }, 'kubernetes_service_v1')).toEqual([]);
  });
});

describe('pod specs of kubernetes_manifest', () => {
  const knative = (containers: Attrs[]) =>
    manifest({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'apps' },
      spec: { template: { spec: { containers } } },
    });

  test("a Knative Service serves through the container with a port; the others are Knative's sidecars", () => {
    const attrs = knative([
      { name: 'proxy', image: 'p:1' },
      { name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }] },
    ]);
    expect(names(attrs, 'kubernetes_manifest')).toEqual([
      { source: 'Knative Service', containers: ['proxy knative-sidecar', 'app container'] },
    ]);
    expect(names(knative([{ name: 'only', image: 'a:1' }]), 'kubernetes_manifest')[0].containers).toEqual([
      'only container',
    ]);
  });

  test('Deployment, CronJob and Pod manifests; other kinds hold no pod', () => {
    const pod = { containers: [{ name: 'c', image: 'i:1' }] };
    expect(
      names(
        manifest({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: pod } } }),
        'kubernetes_manifest',
      ),
    ).toEqual([{ source: 'Deployment', containers: ['c container'] }]);
    const cronJob = manifest({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      spec: { jobTemplate: { spec: { template: { spec: pod } } } },
    });
    expect(podSpecs(cronJob, 'kubernetes_manifest')).toMatchObject([{ source: 'CronJob', runsToCompletion: true }]);
    expect(names(manifest({ apiVersion: 'v1', kind: 'Pod', spec: pod }), 'kubernetes_manifest')[0].containers).toEqual([
      'c container',
    ]);
    // A core Service, and a kind named Deployment of another API group.
    expect(podSpecs(manifest({ apiVersion: 'v1', kind: 'Service', spec: {} }), 'kubernetes_manifest')).toEqual([]);
    expect(
      podSpecs(
        manifest({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: { spec: pod } } }),
        'kubernetes_manifest',
      ),
    ).toEqual([]);
  });

  test('the yamldecode literal reads back as Terraform reads it: YAML 1.1, interpolations known only at plan', () => {
    const attrs = {
      manifest:
        "${yamldecode(\"{ kind: Pod, apiVersion: v1, metadata: { annotations: { a: '${local.digest}', b: 'x$${y}', c: yes } } }\")}",
    };
    expect(manifestObject(attrs)).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { annotations: { a: PLAN_VALUE, b: 'x${y}', c: true } },
    });
    expect(manifestObject({ manifest: '${var.manifest}' })).toBeUndefined();
    expect(manifestObject({ manifest: { kind: 'Pod' } })).toEqual({ kind: 'Pod' });
  });
});

describe('pod specs of helm_release values', () => {
  test("the skypilot chart: the containers we put in extraInitContainers, without the chart's own pod", () => {
    const attrs = skypilotRelease([
      { name: 'cloud-sql-proxy', image: 'p:1', restartPolicy: 'Always' },
      { name: 'wait', image: 'w:1' },
    ]);
    expect(names(attrs, 'helm_release')).toEqual([
      {
        source: 'chart skypilot, values extraInitContainers',
        containers: ['cloud-sql-proxy native-sidecar', 'wait init'],
      },
    ]);
    expect(podSpecs(attrs, 'helm_release')[0].pod).toBeUndefined();
  });

  test('values holding a Terraform expression still read; a chart we hand no containers has none', () => {
    const values = `${stringify({ extraInitContainers: [{ name: 'proxy', image: 'p:1' }] })}auth: \${jsonencode("u: \${random_password.p.result}")}\n`;
    expect(names({ chart: 'skypilot', values: [values] }, 'helm_release')[0].containers).toEqual(['proxy init']);
    expect(
      podSpecs({ chart: 'cert-manager', values: [stringify({ crds: { enabled: true } })] }, 'helm_release'),
    ).toEqual([]);
    expect(podSpecs({ chart: 'skypilot' }, 'helm_release')).toEqual([]);
  });
});
