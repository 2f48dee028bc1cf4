import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { istio } from '../../lib/k8s/istio';
import { KubernetesModel, ValidatedManifest } from '../../lib/k8s/manifest';
import { buildApp, exampleConfig, manifestOf, resourcesOf } from '../support/app';

const ROOT = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require(path.join(ROOT, 'scripts', 'istio-validators.js')) as {
  ISTIO_KINDS: string[];
  exportName: (apiVersion: string, kind: string) => string;
};

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string }[] | null };

// Compiled in a process of its own, as `npm run synth` does: the script stands in for the models' schema registry.
// Inside the project (.tmp/ is ignored), where the generated code finds ajv's runtime.
fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const file = path.join(fs.mkdtempSync(path.join(ROOT, '.tmp', 'validators-')), 'istio-validators.js');
afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'istio-validators.js'), file]);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require(file) as Record<string, Validator>;
const validatorOf = (object: { apiVersion: string; kind: string }) => validators[build.exportName(object.apiVersion, object.kind)];

/** Objects that break their schema: a wrong type or an unknown enum value. */
const BROKEN: KubernetesModel[] = [
  istio.virtualService({ metadata: { name: 'a' }, spec: { hosts: 'a' as unknown as string[] } }),
  istio.destinationRule({ metadata: { name: 'a' }, spec: { host: 'a', trafficPolicy: { tls: { mode: 'SOMETIMES' as 'DISABLE' } } } }),
  istio.gateway({ metadata: { name: 'a' }, spec: { servers: [{ port: { number: '443' as unknown as number }, hosts: ['*'] }] } }),
  istio.serviceEntry({ metadata: { name: 'a' }, spec: { hosts: ['a'], resolution: 'BOGUS' as 'DNS' } }),
  istio.sidecar({ metadata: { name: 'a' }, spec: { ingress: [{ port: { number: 1 }, captureMode: 'ALL' as 'NONE' }] } }),
  istio.workloadEntry({ metadata: { name: 'a' }, spec: { address: '10.0.0.1', ports: { http: 'x' as unknown as number } } }),
  istio.workloadGroup({ metadata: { name: 'a' }, spec: { template: { weight: -1 as number, ports: { http: 'x' as unknown as number } } } }),
  istio.peerAuthentication({ metadata: { name: 'a' }, spec: { mtls: { mode: 'ALWAYS' as 'STRICT' } } }),
];

describe('Istio validators compiled ahead of time (scripts/istio-validators.js)', () => {
  const k8s = buildApp(exampleConfig()).json('cloudrun-mesh-k8s');
  const emitted = Object.keys(resourcesOf(k8s, 'kubernetes_manifest')).map((name) => manifestOf(k8s, name));

  test('cover every Istio kind the blueprints emit', () => {
    const kinds = new Set(emitted.map((object) => `${object.apiVersion}/${object.kind}`));
    expect([...kinds].filter((kind) => !build.ISTIO_KINDS.includes(kind))).toEqual([]);
    for (const kind of build.ISTIO_KINDS) expect({ kind, compiled: typeof validators[kind.replace(/[./]/g, '_')] }).toEqual({ kind, compiled: 'function' });
  });

  test("accept what the models' own validate() accepts: every emitted object", () => {
    for (const object of emitted) expect({ name: object.metadata, valid: validatorOf(object as never)(object) }).toEqual({ name: object.metadata, valid: true });
  });

  test.each(BROKEN.map((model) => [model.kind, model] as const))("reject what the models' own validate() rejects: %s", (_kind, model) => {
    expect(() => model.validate()).toThrow(/^data\//);
    const validator = validatorOf(model);
    expect(validator(model.toJSON())).toBe(false);
    expect(validator.errors?.length).toBeGreaterThan(0);
  });

  test('stop a synth that uses them, naming the object', () => {
    // As the bundle defines it; the file is current, so nothing is compiled again.
    const scope = globalThis as { ISTIO_VALIDATORS?: { module: string; compiler: string } };
    scope.ISTIO_VALIDATORS = { module: file, compiler: path.join(ROOT, 'scripts', 'istio-validators.js') };
    try {
      const stack = new TerraformStack(Testing.app(), 'test');
      new KubernetesProvider(stack, 'kubernetes', {});
      const model = istio.serviceEntry({ metadata: { name: 'api', namespace: 'shop' }, spec: { hosts: ['a'], resolution: 'BOGUS' as 'DNS' } });
      expect(() => new ValidatedManifest(stack, 'api', { model })).toThrow(
        'ServiceEntry shop/api (networking.istio.io/v1beta1) is invalid: data/spec/resolution must be equal to one of the allowed values',
      );
    } finally {
      delete scope.ISTIO_VALIDATORS;
    }
  });
});
