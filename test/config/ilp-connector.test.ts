import { parseConfig } from '../../lib/config/load';
import { configProblems, sectionProblems } from '../support/config';

const BASE = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
ilpConnector:
  connector:
    nodeIlpAddress: test.my-connector
`;

/** Problems of the section with `lines` added under ilpConnector. */
function problems(lines: string): string[] {
  return sectionProblems(BASE, lines);
}

describe('ilpConnector config', () => {
  test("the defaults follow the seed: its names, sizes, scale and flags; AUTH and TLS on; Knative installed", () => {
    const { ilpConnector } = parseConfig(BASE).config;
    expect(ilpConnector).toMatchObject({
      enabled: true,
      serviceAccountId: 'connector',
      serviceAccountKey: false,
      cluster: { name: 'connector', zone: 'us-central1-a', workloadIdentity: true },
      database: { instanceName: 'connector', tier: 'db-custom-1-4096', name: 'connector', user: 'connector', maxConnections: 500 },
      redis: { instanceName: 'connector', tier: 'BASIC', memorySizeGb: 1, authEnabled: true, transitEncryption: true },
      kms: { keyRing: 'connector', location: 'global', key: 'secret0', rotationPeriodDays: 90 },
      knative: { install: true, operatorVersion: 'v1.18.0', servingVersion: '1.18.0' },
      connector: {
        globalPrefix: 'test',
        require32ByteSharedSecrets: false,
        javaOptions: '-Xmx512m',
        minScale: 2,
        maxScale: 2,
        containerConcurrency: 80,
        timeoutSeconds: 300,
        cpu: '768m',
        memory: '768Mi',
      },
    });
    expect(ilpConnector.cluster.nodePool).toMatchObject({ machineType: 'e2-highcpu-4', nodeCount: 2, diskType: 'pd-standard' });
    expect(parseConfig(BASE.replace(/ilpConnector:[\s\S]*$/, '')).config.ilpConnector.enabled).toBe(false);
  });

  test('the node address is required', () => {
    expect(configProblems(BASE.replace('    nodeIlpAddress: test.my-connector\n', '    globalPrefix: g\n'))).toEqual([
      'ilpConnector.connector.nodeIlpAddress: is required: the ILP address of this node, such as test.my-connector',
    ]);
  });

  test.each([
    ['my-connector', 'no allocation scheme'],
    ['test', 'no segment after the scheme'],
    ['mainnet.my-connector', 'an unknown scheme'],
    ['test.my connector', 'a space in a segment'],
    ['test..my-connector', 'an empty segment'],
  ])('an ILP address with %s (%s)', (address) => {
    const text = BASE.replace('test.my-connector', address);
    expect(configProblems(text)).toEqual([
      `ilpConnector.connector.nodeIlpAddress: must be an ILP address: an allocation scheme (g, private, example, peer, self, test, test1, test2, test3, local) and one or more dot-separated segments of letters, digits, _, ~ or -, such as test.my-connector (got "${address}")`,
    ]);
  });

  test('ILP addresses the RFC allows', () => {
    for (const address of ['g.us.acme.connector-1', 'private.lab~01', 'test3.a_b', 'test.my-connector']) {
      const prefix = address.split('.')[0];
      expect(configProblems(BASE.replace('test.my-connector', address) + `    globalPrefix: ${prefix}\n`)).toEqual([]);
    }
  });

  test('the global prefix must be the scheme of the node address', () => {
    expect(configProblems(BASE + '    globalPrefix: g\n')).toEqual([
      'ilpConnector.connector.nodeIlpAddress: must start with the globalPrefix "g." (such as g.my-connector) (got "test.my-connector")',
    ]);
    expect(configProblems(BASE + '    globalPrefix: mainnet\n')).toEqual([
      'ilpConnector.connector.globalPrefix: must be one of: g, private, example, peer, self, test, test1, test2, test3, local (got "mainnet")',
    ]);
  });

  test('a key ring with capitals cannot decrypt the Redis password: the connector lower-cases it', () => {
    expect(problems('kms:\n  keyRing: Connector')).toEqual([
      'ilpConnector.kms.keyRing: must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (got "Connector")',
    ]);
    expect(problems('kms:\n  keyRing: ilp-keys')).toEqual([]);
  });

  test('domain names', () => {
    expect(problems('domain:\n  name: Connector.Example.com\n  acmeEmail: ops@example.com')).toEqual([
      'ilpConnector.domain.name: must be a lowercase domain name such as connector.example.com (got "Connector.Example.com")',
    ]);
    expect(problems('domain:\n  name: localhost\n  acmeEmail: ops@example.com')).toEqual([
      'ilpConnector.domain.name: must be a lowercase domain name such as connector.example.com (got "localhost")',
    ]);
    expect(problems('domain:\n  name: -bad.example.com\n  acmeEmail: ops@example.com')).toHaveLength(1);
    expect(problems('domain:\n  name: ilp.connector.example.co.uk\n  acmeEmail: ops@example.com')).toEqual([]);
  });

  test("TLS for the domain needs the Let's Encrypt account email; plain HTTP does not", () => {
    expect(problems('domain:\n  name: connector.example.com')).toEqual([
      "ilpConnector.domain.acmeEmail: is required with tls: Let's Encrypt sends expiry notices there",
    ]);
    expect(problems('domain:\n  name: connector.example.com\n  tls: false')).toEqual([]);
    expect(problems('domain:\n  name: connector.example.com\n  acmeEmail: not-an-email')).toEqual([
      'ilpConnector.domain.acmeEmail: must be an email address (got "not-an-email")',
    ]);
  });

  test('the Knative pins: exact versions, and a Serving release the operator ships', () => {
    expect(problems('knative:\n  operatorVersion: "1.18"')).toEqual([
      'ilpConnector.knative.operatorVersion: must be an exact chart version such as v1.18.0 (got "1.18")',
    ]);
    expect(problems('knative:\n  servingVersion: latest')).toEqual([
      'ilpConnector.knative.servingVersion: must be an exact Knative release such as 1.18.0 (got "latest")',
    ]);
    expect(problems('knative:\n  operatorVersion: v1.18.0\n  servingVersion: 1.19.0')).toEqual([
      'ilpConnector.knative.servingVersion: must be a release Knative Operator v1.18.0 ships: 1.15 to 1.18 (got "1.19.0")',
    ]);
    expect(problems('knative:\n  operatorVersion: v1.18.0\n  servingVersion: 1.14.2')).toHaveLength(1);
    expect(problems('knative:\n  operatorVersion: v1.18.0\n  servingVersion: 1.15.3')).toEqual([]);
    // Not installing Knative: the versions are not used.
    expect(problems('knative:\n  install: false\n  servingVersion: 1.19.0')).toEqual([]);
  });

  test('the seed key file only without Workload Identity, and Workload Identity off only with it', () => {
    expect(problems('serviceAccountKey: true')).toEqual([
      'ilpConnector.serviceAccountKey: is only for a cluster with workloadIdentity false; with Workload Identity the connector needs no key (got true)',
    ]);
    expect(problems('cluster:\n  workloadIdentity: false')).toEqual([
      'ilpConnector.cluster.workloadIdentity: leaves the connector without a Google identity for KMS: keep Workload Identity on (recommended) or set serviceAccountKey: true (got false)',
    ]);
    expect(problems('serviceAccountKey: true\ncluster:\n  workloadIdentity: false')).toEqual([]);
  });

  test('scale, zone, ranges and images', () => {
    expect(configProblems(BASE + '    minScale: 3\n')).toEqual([
      'ilpConnector.connector.minScale: must not exceed maxScale 2 (got 3)',
    ]);
    expect(problems('cluster:\n  zone: europe-west1-b')).toEqual([
      'ilpConnector.cluster.zone: must be a zone of the region us-central1 (one of us-central1-a, us-central1-b, us-central1-c, us-central1-f) (got "europe-west1-b")',
    ]);
    expect(problems('network:\n  privateServicesCidr: 10.80.0.0/20')).toEqual([
      'ilpConnector.network.privateServicesCidr: overlaps nodesCidr 10.80.0.0/22 (got "10.80.0.0/20")',
    ]);
    expect(configProblems(BASE + '    image: interledger4j/java-ilpv4-connector:latest\n')).toEqual([
      'ilpConnector.connector.image: must not use the moving tag latest (got "interledger4j/java-ilpv4-connector:latest")',
    ]);
    expect(problems('redis:\n  version: REDIS_4_0')).toEqual([
      'ilpConnector.redis.version: must be one of: REDIS_6_X, REDIS_7_0, REDIS_7_2 (got "REDIS_4_0")',
    ]);
    expect(problems('kms:\n  rotationPeriodDays: 365')).toEqual([
      'ilpConnector.kms.rotationPeriodDays: must be at most 90 (got 365)',
    ]);
  });
});

describe('ilpConnector warnings', () => {
  const domainWarnings = (text: string) => parseConfig(text).warnings.filter((w) => w.startsWith('ilpConnector.domain'));

  test('no domain: synth warns that the admin password would travel over plain HTTP', () => {
    expect(domainWarnings(BASE)).toEqual([
      'ilpConnector.domain: unset, so the connector answers over plain HTTP on its default domain and the admin password travels in clear; set domain.name (with TLS) for anything beyond a test',
    ]);
    expect(domainWarnings(BASE + '  domain:\n    name: connector.example.org\n    acmeEmail: ops@example.org\n')).toEqual([]);
  });
});
