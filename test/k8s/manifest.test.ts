import { Service } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parse } from 'yaml';
import { CrdPresence, manifestYaml, manifestYamlOf, ValidatedManifest } from '../../lib/k8s/manifest';

function stack(): TerraformStack {
  const s = new TerraformStack(Testing.app(), 'test');
  new KubernetesProvider(s, 'kubernetes', {});
  return s;
}

describe('ValidatedManifest', () => {
  test('an object that fails its schema stops synth and names the object', () => {
    const service = new Service({
      metadata: { name: 'api', namespace: 'apps' },
      spec: { template: { spec: { containerConcurrency: '10' as unknown as number, containers: [{ image: 'x:1' }] } } },
    });
    expect(() => new ValidatedManifest(stack(), 'api', { model: service })).toThrow(
      'Service apps/api (serving.knative.dev/v1) is invalid: data/spec/template/spec/containerConcurrency must be integer',
    );
  });

  test('written as yamldecode of one line of single-quoted YAML: types kept, readable back', () => {
    const s = stack();
    const service = new Service({
      metadata: { name: 'api', namespace: 'apps' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: 'x:1',
                env: [
                  { name: 'PORT', value: '6379' },
                  { name: 'ON', value: 'true' },
                  { name: 'Q', value: "it's {braced}: [listed], #1" },
                  // Plain strings in YAML 1.2 that Terraform's YAML 1.1 reader takes for booleans and numbers.
                  ...['yes', 'on', 'N', '1_000', '10:20', '0o17', '2001-12-14'].map((value) => ({ name: 'V', value })),
                  { name: 'ENDPOINT', value: '127.0.0.1:8080' },
                ],
              },
            ],
          },
        },
      },
    });
    new ValidatedManifest(s, 'api', { model: service, awaitCrd: new CrdPresence(s, 'crd', 'services.serving.knative.dev') });
    const json = JSON.parse(Testing.synth(s)) as {
      resource: { kubernetes_manifest: Record<string, { manifest: string; count: string }> };
    };
    const [{ manifest, count }] = Object.values(json.resource.kubernetes_manifest);
    expect(count).toMatch(/^\$\{\(length\(data\.kubernetes_resources\.crd_[0-9A-F]+\.objects\) >= 1\) \? 1 : 0\}$/);
    const yaml = JSON.parse(/^\$\{yamldecode\((".*")\)\}$/s.exec(manifest)![1]) as string;
    expect(yaml).not.toMatch(/["\n]/);
    expect(parse(yaml)).toEqual(service.toJSON());
    expect(parse(yaml, { version: '1.1' })).toEqual(service.toJSON());
    expect(yaml).toContain("value: 'yes'");
    expect(yaml).toContain('value: 127.0.0.1:8080');
    // The reader the baseline and the tests use gives back exactly what manifestYaml wrote; anything else is not one.
    expect(manifestYamlOf(manifest)).toBe(manifestYaml(service));
    expect(manifestYamlOf('${jsonencode("x")}')).toBeUndefined();
    expect(manifestYamlOf({ apiVersion: 'v1' })).toBeUndefined();
  });

  test.each([
    ['a double quote', '-Dname="x"'],
    ['a backslash', 'C:\\temp'],
    ['a line break', 'one\ntwo'],
  ])('a value with %s is refused with the object named', (_what, value) => {
    const service = new Service({
      metadata: { name: 'api', namespace: 'apps' },
      spec: { template: { spec: { containers: [{ image: 'x:1', env: [{ name: 'V', value }] }] } } },
    });
    expect(() => new ValidatedManifest(stack(), 'api', { model: service })).toThrow(
      'Service apps/api: a value holds a double quote, backslash or line break, which cannot pass through kubernetes_manifest intact; keep such text in a ConfigMap or Secret',
    );
  });
});
