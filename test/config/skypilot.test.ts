import { parseConfig } from '../../lib/config/load';
import { sectionProblems } from '../support/config';

const BASE = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
skypilot:
  enabled: true
`;

function problems(section: string): string[] {
  return sectionProblems(BASE, section);
}

describe('skypilot config', () => {
  test("the defaults follow the seed: IAM auth, the seed's names, stable chart", () => {
    const { skypilot } = parseConfig(BASE).config;
    expect(skypilot).toMatchObject({
      authMode: 'iam',
      serviceAccountId: 'skypilot-cloud-sql-access',
      serviceAccountKey: false,
      database: { instanceName: 'cloud-sql-skypilot-instance', name: 'skypilot-db', version: 'POSTGRES_17' },
      kubernetes: { namespace: 'skypilot', serviceAccountName: 'skypilot-api-sa' },
      chart: { name: 'skypilot', releaseName: 'skypilot' },
      cluster: { workloadIdentity: true },
    });
    expect(parseConfig(BASE.replace(/skypilot:\n  enabled: true\n/, '')).config.skypilot.enabled).toBe(false);
  });

  test('a namespace that is not a DNS-1123 label', () => {
    expect(problems('kubernetes:\n  namespace: SkyPilot_NS')).toEqual([
      'skypilot.kubernetes.namespace: must be a DNS-1123 label: lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "SkyPilot_NS")',
    ]);
    expect(problems(`kubernetes:\n  namespace: ${'a'.repeat(64)}`)).toEqual([
      `skypilot.kubernetes.namespace: must be at most 63 characters (got "${'a'.repeat(64)}")`,
    ]);
  });

  test('the nightly chart without a pinned version', () => {
    expect(problems('chart:\n  name: skypilot-nightly')).toEqual([
      'skypilot.chart.version: is required for the skypilot-nightly chart: pin a nightly such as 1.0.0-dev.20260101, or use the stable chart',
    ]);
    expect(problems('chart:\n  name: skypilot-nightly\n  version: 1.0.0-dev.20261101')).toEqual([]);
    expect(problems('chart:\n  version: latest')).toEqual([
      'skypilot.chart.version: must be an exact chart version such as 0.12.3 or 1.0.0-dev.20250410 (got "latest")',
    ]);
  });

  test('IAM mode with Workload Identity off', () => {
    expect(problems('cluster:\n  workloadIdentity: false')).toEqual([
      'skypilot.cluster.workloadIdentity: must be true with authMode iam: the proxy logs in to PostgreSQL as the Google service account through Workload Identity (got false)',
    ]);
  });

  test('the key file only replaces a missing Workload Identity in password mode', () => {
    expect(problems('serviceAccountKey: true')).toEqual([
      'skypilot.serviceAccountKey: is only for authMode password on a cluster with workloadIdentity false; otherwise the proxy uses Workload Identity and needs no key (got true)',
    ]);
    expect(problems('authMode: password\ncluster:\n  workloadIdentity: false')).toEqual([
      'skypilot.cluster.workloadIdentity: leaves the proxy without a Google identity: keep Workload Identity on (recommended) or set serviceAccountKey: true (got false)',
    ]);
    expect(problems('authMode: password\nserviceAccountKey: true\ncluster:\n  workloadIdentity: false')).toEqual([]);
  });

  test('zone outside the region, overlapping ranges, a moving image tag, an unknown auth mode', () => {
    expect(
      problems(
        'authMode: token\ncluster:\n  zone: europe-west1-b\nnetwork:\n  privateServicesCidr: 10.64.0.0/20\ncloudSqlProxy:\n  image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:latest',
      ),
    ).toEqual([
      'skypilot.authMode: must be one of: iam, password (got "token")',
      'skypilot.cloudSqlProxy.image: must not use the moving tag latest (got "gcr.io/cloud-sql-connectors/cloud-sql-proxy:latest")',
      'skypilot.cluster.zone: must be a zone of the region us-central1 (one of us-central1-a, us-central1-b, us-central1-c, us-central1-f) (got "europe-west1-b")',
      'skypilot.network.privateServicesCidr: overlaps podsCidr 10.64.0.0/14 (got "10.64.0.0/20")',
    ]);
  });

  test('an API server open to any address is allowed, with a warning', () => {
    const webWarnings = (text: string) => parseConfig(text).warnings.filter((w) => w.startsWith('skypilot.web'));
    expect(webWarnings(BASE)).toEqual([
      'skypilot.web.sourceCidrs: unset, so anyone on the internet reaches the API server, whose basic-auth login travels over plain HTTP; list your office or VPN ranges',
    ]);
    expect(webWarnings(BASE + '  web:\n    sourceCidrs: [203.0.113.0/24]\n')).toEqual([]);
    expect(problems('web:\n  sourceCidrs: []')).toEqual([
      'skypilot.web.sourceCidrs: must list at least one CIDR; leave it out to allow any address (got [])',
    ]);
  });

  test('a disabled section is not checked across fields', () => {
    const disabled = BASE.replace('enabled: true', 'enabled: false') + '  chart:\n    name: skypilot-nightly\n';
    expect(parseConfig(disabled).config.skypilot.enabled).toBe(false);
  });
});
