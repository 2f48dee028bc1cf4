import { parseConfig } from '../../lib/config/load';
import { configProblems } from '../support/config';

/** The three sections that build a GKE cluster, and the path of its cluster keys. */
const SECTIONS = [
  ['gkePlayground', 'gkePlayground'],
  ['skypilot', 'skypilot.cluster'],
  ['ilpConnector', 'ilpConnector.cluster'],
] as const;

const BASE = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
`;

/** What a section needs besides its cluster, which has no default. */
const REQUIRED: Record<string, string> = { ilpConnector: '  connector:\n    nodeIlpAddress: test.my-connector\n' };

/** A config with only `section` on, `lines` (YAML) under its cluster keys. */
function withCluster(section: string, lines: string): string {
  const clusterKeys = section === 'gkePlayground' ? '' : '  cluster:\n';
  const indent = section === 'gkePlayground' ? '  ' : '    ';
  return `${BASE}${section}:\n  enabled: true\n${REQUIRED[section] ?? ''}${clusterKeys}${lines.replace(
    /^/gm,
    indent,
  )}\n`;
}

describe.each(SECTIONS)('%s: control plane access and Google Groups for RBAC', (section, path) => {
  const cluster = (lines: string) => {
    const config = parseConfig(withCluster(section, lines)).config;
    return section === 'gkePlayground' ? config.gkePlayground : config[section].cluster;
  };

  test('by default the control plane admits any address, with a warning, and RBAC names no Google Groups', () => {
    expect(cluster('deletionProtection: true')).not.toHaveProperty('controlPlaneAuthorizedCidrs');
    expect(cluster('deletionProtection: true')).not.toHaveProperty('rbacSecurityGroup');
    expect(parseConfig(withCluster(section, 'deletionProtection: true')).warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^${path.replace('.', '\\.')}\\.controlPlaneAuthorizedCidrs: unset, so anyone`)),
    );
  });

  test('listed ranges and the group are taken as written', () => {
    const lines = 'controlPlaneAuthorizedCidrs: [203.0.113.0/24]\nrbacSecurityGroup: gke-security-groups@example.com';
    expect(cluster(lines)).toMatchObject({
      controlPlaneAuthorizedCidrs: ['203.0.113.0/24'],
      rbacSecurityGroup: 'gke-security-groups@example.com',
    });
    expect(parseConfig(withCluster(section, lines)).warnings.filter((w) => w.includes('controlPlane'))).toEqual([]);
  });

  test('a range that is no CIDR, and a group GKE would not read', () => {
    expect(
      configProblems(
        withCluster(section, 'controlPlaneAuthorizedCidrs: [203.0.113.1/24]\nrbacSecurityGroup: admins@example.com'),
      ),
    ).toEqual([
      `${path}.controlPlaneAuthorizedCidrs.0: must be an IPv4 CIDR such as 10.0.0.0/24, with no host bits set (got "203.0.113.1/24")`,
      `${path}.rbacSecurityGroup: must be gke-security-groups@<your domain>, such as gke-security-groups@example.com: ` +
        'GKE accepts no other group name (got "admins@example.com")',
    ]);
    expect(configProblems(withCluster(section, 'rbacSecurityGroup: gke-security-groups@localhost'))).toEqual([
      `${path}.rbacSecurityGroup: must be gke-security-groups@<your domain>, such as gke-security-groups@example.com: ` +
        'GKE accepts no other group name (got "gke-security-groups@localhost")',
    ]);
  });
});
