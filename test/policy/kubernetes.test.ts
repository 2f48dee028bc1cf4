import { KUBERNETES_RULES } from '../../lib/policy/rules/kubernetes';
import type { StackResource } from '../../lib/policy/rules/rule';
import { COMPLIANT_CONTAINER, deployment, manifest, skypilotRelease } from './cases/kubernetes';

type Attrs = Record<string, unknown>;

/** What each Kubernetes rule says about one resource, by rule id (complying rules left out). */
function problems(attrs: Attrs, type: string, stack: readonly StackResource[] = []): Record<string, string> {
  return Object.fromEntries(
    KUBERNETES_RULES.filter((rule) => rule.resourceTypes.includes(type)).flatMap((rule) => {
      const problem = rule.check(attrs, type, stack);
      return problem === undefined ? [] : [[rule.id, problem]];
    }),
  );
}

const DEPLOYMENT = 'kubernetes_deployment_v1';

describe('Kubernetes rules', () => {
  test('the compliant Deployment of the cases breaks none of them', () => {
    expect(problems(deployment(), DEPLOYMENT)).toEqual({});
  });

  test('a problem names its container, each one that has it', () => {
    const attrs = deployment(
      { liveness_probe: undefined },
      { init_container: [{ name: 'proxy', image: 'p:1', restart_policy: 'Always' }] },
    );
    expect(problems(attrs, DEPLOYMENT).CKV_K8S_8).toBe(
      'container app: no livenessProbe; container proxy: no livenessProbe',
    );
  });

  test('probes: none for an init container that runs to completion, nor for a Job; a native sidecar takes them', () => {
    const init = deployment({}, { init_container: [{ name: 'migrate', image: 'm:1' }] });
    expect(problems(init, DEPLOYMENT)).not.toHaveProperty('CKV_K8S_9');
    const job = {
      metadata: { namespace: 'ops' },
      spec: { template: { spec: { container: [{ name: 'run', image: 'r:1' }] } } },
    };
    expect(Object.keys(problems(job, 'kubernetes_job_v1'))).not.toContain('CKV_K8S_8');
    expect(Object.keys(problems(job, 'kubernetes_job_v1'))).not.toContain('CKV_K8S_9');
  });

  test("a Knative Service's sidecars take probes only where the stack's KnativeServing enables multi-container-probing", () => {
    const service = manifest({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'apps' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'a:1',
                ports: [{ containerPort: 8080 }],
                livenessProbe: { httpGet: { path: '/' } },
              },
              { name: 'proxy', image: 'p:1' },
            ],
          },
        },
      },
    });
    expect(problems(service, 'kubernetes_manifest').CKV_K8S_8).toBeUndefined();
    const serving = (features: Attrs): StackResource => ({
      type: 'kubernetes_manifest',
      address: 'kubernetes_manifest.serving',
      attrs: manifest({
        apiVersion: 'operator.knative.dev/v1beta1',
        kind: 'KnativeServing',
        spec: { config: { features } },
      }),
    });
    expect(
      problems(service, 'kubernetes_manifest', [serving({ 'multi-container-probing': 'disabled' })]).CKV_K8S_8,
    ).toBeUndefined();
    expect(
      problems(service, 'kubernetes_manifest', [serving({ 'multi-container-probing': 'enabled' })]).CKV_K8S_8,
    ).toBe('container proxy: no livenessProbe');
  });

  test("a chart's pod is the chart's: only our containers are checked, and each must say it runs as non-root itself", () => {
    const found = problems(skypilotRelease([{ name: 'proxy', image: 'p:1', restartPolicy: 'Always' }]), 'helm_release');
    expect(Object.keys(found)).not.toContain('CKV_K8S_17');
    expect(Object.keys(found)).not.toContain('CKV_K8S_38');
    expect(found.CKV_K8S_23).toBe(
      "container proxy: may run as root: no runAsNonRoot and no runAsUser above 0, so the image's USER decides",
    );
  });

  test.each([
    [
      'pod non-root, container UID 0',
      { run_as_user: '0' },
      { run_as_non_root: true },
      'container app: runs as root (runAsUser 0)',
    ],
    ['pod UID 1000, container not asking', { run_as_non_root: false }, { run_as_user: '1000' }, undefined],
    [
      'nothing said anywhere',
      { run_as_non_root: undefined },
      {},
      "container app: may run as root: no runAsNonRoot and no runAsUser above 0, so the image's USER decides",
    ],
  ])('non-root (CKV_K8S_23), %s', (_case, container, pod, expected) => {
    const attrs = deployment(
      { security_context: { ...(COMPLIANT_CONTAINER.security_context as Attrs), ...container } },
      { security_context: pod },
    );
    expect(problems(attrs, DEPLOYMENT).CKV_K8S_23).toBe(expected);
  });

  test.each([
    ['registry.example.com:5000/app', 'image registry.example.com:5000/app has no tag, which pulls latest'],
    ['app:', 'image app: has no tag, which pulls latest'],
    ['app@sha256:0123', undefined],
    ['${var.image}', undefined],
  ])('image %s (CKV_K8S_14)', (image, expected) => {
    expect(problems(deployment({ image, image_pull_policy: 'Always' }), DEPLOYMENT).CKV_K8S_14).toBe(
      expected && `container app: ${expected}`,
    );
  });

  test('an image by digest needs no pull policy (CKV_K8S_15)', () => {
    expect(
      problems(deployment({ image: 'app@sha256:0123', image_pull_policy: undefined }), DEPLOYMENT),
    ).not.toHaveProperty('CKV_K8S_15');
  });

  test('namespaces (CKV_K8S_21): a workload manifest without one goes to default; other manifests are not judged', () => {
    const pod = { containers: [{ name: 'c', image: 'i:1' }] };
    expect(
      problems(
        manifest({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: { template: { spec: pod } },
        }),
        'kubernetes_manifest',
      ).CKV_K8S_21,
    ).toBe('has no namespace, so it goes to default');
    expect(
      problems(
        manifest({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'x' } }),
        'kubernetes_manifest',
      ),
    ).toEqual({});
  });
});
