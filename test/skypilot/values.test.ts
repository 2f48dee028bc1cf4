import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { helmValuesYaml } from '../../lib/helm/values';
import { connectionUri, skypilotValues, SkypilotValuesOptions } from '../../lib/skypilot/values';

const BASE: SkypilotValuesOptions = {
  authMode: 'iam',
  serviceAccountName: 'skypilot-api-sa',
  workloadIdentityEmail: 'sa@p-123456.iam.gserviceaccount.com',
  proxyKeyFile: false,
  instanceConnectionName: 'p-123456:us-central1:db',
  proxy: { image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0', cpu: '1', memory: '2Gi' },
  authCredentials: 'skypilot:$2a$10$abcdefghijklmnopqrstuv',
};

const MODES: Record<string, SkypilotValuesOptions> = {
  iam: BASE,
  'password with Workload Identity': { ...BASE, authMode: 'password' },
  'password with the key file': { ...BASE, authMode: 'password', workloadIdentityEmail: undefined, proxyKeyFile: true },
};

/** The values as Helm receives them: rendered to YAML and read back (unset keys disappear). */
function asHelmReadsThem(options: SkypilotValuesOptions): unknown {
  return parse(helmValuesYaml(skypilotValues(options)));
}

// The chart's own schema (JSON Schema 2020-12, type checks only), when this checkout sits beside the shared reference.
const UPSTREAM_SCHEMA = path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'skypilot-values.schema.json');
const testWithUpstream = fs.existsSync(UPSTREAM_SCHEMA) ? test : test.skip;

describe('SkyPilot chart values', () => {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'chart-values.schema.json'), 'utf8')));

  test.each(Object.entries(MODES))('%s: match the typed model of the chart values', (_mode, options) => {
    const values = asHelmReadsThem(options);
    expect(validate(values) ? [] : validate.errors).toEqual([]);
  });

  testWithUpstream.each(Object.entries(MODES))("%s: pass the chart's values.schema.json", (_mode, options) => {
    const upstream = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false }).compile(
      JSON.parse(fs.readFileSync(UPSTREAM_SCHEMA, 'utf8')),
    );
    expect(upstream(asHelmReadsThem(options)) ? [] : upstream.errors).toEqual([]);
  });

  test('the schema rejects what the chart would not take: config set, a misspelt key', () => {
    const values = asHelmReadsThem(BASE) as { apiService: Record<string, unknown>; rbac: Record<string, unknown> };
    expect(validate({ ...values, apiService: { ...values.apiService, config: 'allowed_clouds: [gcp]' } })).toBe(false);
    expect(validate({ ...values, rbac: { serviceAccountNmae: 'x' } })).toBe(false);
  });

  test('IAM mode: --auto-iam-authn, the Workload Identity annotation, no key volume', () => {
    const values = skypilotValues(BASE);
    expect(values.extraInitContainers[0].args).toEqual([
      '--private-ip',
      '--auto-iam-authn',
      '--structured-logs',
      '--port=5432',
      '--health-check',
      '--http-port=9090',
      '--http-address=0.0.0.0',
      'p-123456:us-central1:db',
    ]);
    expect(values.rbac.serviceAccountAnnotations).toEqual({
      'iam.gke.io/gcp-service-account': 'sa@p-123456.iam.gserviceaccount.com',
    });
    expect(values.apiService.extraVolumes).toBeUndefined();
  });

  test('the proxy, a native sidecar: probed on the health port it opens, as its image user, memory capped at its request', () => {
    const [proxy] = skypilotValues(BASE).extraInitContainers;
    const healthPort = Number(proxy.args?.find((arg) => arg.startsWith('--http-port='))?.split('=')[1]);
    expect(proxy.restartPolicy).toBe('Always');
    expect([proxy.startupProbe, proxy.livenessProbe, proxy.readinessProbe].map((probe) => (probe && 'httpGet' in probe ? probe.httpGet : probe))).toEqual([
      { path: '/startup', port: healthPort },
      { path: '/liveness', port: healthPort },
      { path: '/readiness', port: healthPort },
    ]);
    // The image's USER is the number 65532 (cloud-sql-proxy v2.21.0 Dockerfile): runAsNonRoot needs no runAsUser.
    expect(proxy.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(proxy.securityContext).not.toHaveProperty('runAsUser');
    expect(proxy.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } });
  });

  test('contradictory identities are refused', () => {
    expect(() => skypilotValues({ ...BASE, proxyKeyFile: true })).toThrow(
      'the proxy authenticates with exactly one of Workload Identity and a key file',
    );
    expect(() => skypilotValues({ ...BASE, workloadIdentityEmail: undefined, proxyKeyFile: true })).toThrow(
      'IAM database login needs Workload Identity',
    );
  });
});

describe('connection URI', () => {
  test("IAM login: no password, the user's @ written %40 (the seed's form)", () => {
    expect(connectionUri({ database: 'skypilot-db', user: 'sa@p-123456.iam', port: 5432 })).toBe(
      'postgresql://localhost:5432/skypilot-db?user=sa%40p-123456.iam',
    );
  });

  test('password login: user and password in the authority', () => {
    expect(connectionUri({ database: 'skypilot-db', user: 'skypilot', password: 'Secret123', port: 5432 })).toBe(
      'postgresql://skypilot:Secret123@localhost:5432/skypilot-db',
    );
  });
});
