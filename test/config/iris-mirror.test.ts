import { parseConfig } from '../../lib/config/load';
import { sectionProblems } from '../support/config';

const BASE = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
gkePlayground:
  enabled: false
irisMirror:
  enabled: true
  ssh:
    publicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly isc
`;

function problems(section: string): string[] {
  return sectionProblems(BASE, section);
}

describe('irisMirror config', () => {
  test('the defaults are the article’s addresses in three zones', () => {
    const { config } = parseConfig(BASE);
    expect(config.irisMirror.vms).toEqual({
      primary: { name: 'isc-primary-001', ip: '10.0.0.3', zone: 'us-central1-a' },
      backup: { name: 'isc-backup-001', ip: '10.0.0.4', zone: 'us-central1-b' },
      arbiter: { name: 'isc-arbiter-001', ip: '10.0.0.5', zone: 'us-central1-c' },
      client: { name: 'isc-client-001', ip: '10.0.0.6', zone: 'us-central1-c' },
    });
    expect(config.irisMirror).toMatchObject({ subnetCidr: '10.0.0.0/24', sshPort: 2180, sshSourceCidrs: [] });
    expect(config.irisMirror.vip).toEqual({ alias: '10.0.0.250/32', public: false, publicSourceCidrs: [] });
  });

  test('absent, the blueprint is off and its defaults are not checked against the region', () => {
    const { config } = parseConfig(BASE.replace(/irisMirror:[\s\S]*$/, '').replace('us-central1', 'europe-west1'));
    expect(config.irisMirror.enabled).toBe(false);
  });

  test('the VIP outside the subnet', () => {
    expect(problems('vip:\n  alias: 10.0.1.250/32')).toEqual([
      'irisMirror.vip.alias: must lie inside the subnet 10.0.0.0/24 (got "10.0.1.250/32")',
    ]);
  });

  test('a reserved VIP: network address, gateway, last two', () => {
    for (const reserved of ['10.0.0.0/32', '10.0.0.1/32', '10.0.0.254/32', '10.0.0.255/32']) {
      expect(problems(`vip:\n  alias: ${reserved}`)).toEqual([
        `irisMirror.vip.alias: is reserved by Google Cloud in 10.0.0.0/24 (the network address, .1 and the last two) (got "${reserved}")`,
      ]);
    }
  });

  test('the VIP equal to a VM address, or wider than one address', () => {
    expect(problems('vip:\n  alias: 10.0.0.4/32')).toEqual([
      'irisMirror.vip.alias: must differ from the address of vms.backup (got "10.0.0.4/32")',
    ]);
    expect(problems('vip:\n  alias: 10.0.0.248/30')).toEqual([
      'irisMirror.vip.alias: must be a single address (/32) (got "10.0.0.248/30")',
    ]);
  });

  test('two mirror members in one zone', () => {
    expect(problems('vms:\n  backup:\n    zone: us-central1-a')).toEqual([
      'irisMirror.vms.backup.zone: must differ from vms.primary.zone: each mirror member needs its own zone (got "us-central1-a")',
    ]);
  });

  test('VM addresses: inside the subnet, not reserved, not shared; zones in the region', () => {
    expect(problems('vms:\n  arbiter:\n    ip: 10.0.0.3\n  client:\n    ip: 10.0.0.1\n    zone: us-east1-b')).toEqual([
      'irisMirror.vms.arbiter.ip: is already the address of vms.primary (got "10.0.0.3")',
      'irisMirror.vms.client.ip: is reserved by Google Cloud in 10.0.0.0/24 (the network address, .1 and the last two) (got "10.0.0.1")',
      'irisMirror.vms.client.zone: must be a zone of the region us-central1 (one of us-central1-a, us-central1-b, us-central1-c, us-central1-f) (got "us-east1-b")',
    ]);
  });

  test('someone must be able to log in: a public key or OS Login', () => {
    const text = BASE.replace(/ {2}ssh:\n.*\n/, '');
    expect(() => parseConfig(text)).toThrow(
      'irisMirror.ssh.publicKey: is required unless ssh.osLogin is true: without it nobody can log in',
    );
    expect(parseConfig(BASE.replace(/ {4}publicKey: .*\n/, '    osLogin: true\n')).config.irisMirror.ssh.osLogin).toBe(true);
    expect(() => parseConfig(BASE.replace(/publicKey: .*\n/, 'publicKey: not a key\n'))).toThrow(
      'irisMirror.ssh.publicKey: must be one OpenSSH public key line (got "not a key")',
    );
  });

  test('a public VIP needs the CIDRs that may reach it', () => {
    expect(problems('vip:\n  public: true')).toEqual([
      'irisMirror.vip.publicSourceCidrs: must list who may reach the public VIP; that is the default: set irisMirror.vip.publicSourceCidrs to choose another (got [])',
    ]);
  });

  test('field errors and cross-field errors come together', () => {
    const text = BASE.replace('my-project-123\n', 'X\n') + '  vip:\n    alias: 10.0.1.250/32\n';
    expect(() => parseConfig(text)).toThrow(
      /projectId: must be a project id.*\n {2}irisMirror\.vip\.alias: must lie inside the subnet 10\.0\.0\.0\/24/,
    );
  });

  test("a customer-managed key must be a key name in the stack's region", () => {
    expect(problems('kmsKeyName: projects/k/locations/us-central1/keyRings/iris/cryptoKeys/disks')).toEqual([]);
    expect(problems('kmsKeyName: projects/k/locations/europe-west1/keyRings/iris/cryptoKeys/disks')).toEqual([
      'irisMirror.kmsKeyName: must be a key in us-central1, where the disks and the repository are (this one is in ' +
        'europe-west1) (got "projects/k/locations/europe-west1/keyRings/iris/cryptoKeys/disks")',
    ]);
    expect(problems('kmsKeyName: disks')).toEqual([
      'irisMirror.kmsKeyName: must be a key name: projects/P/locations/L/keyRings/R/cryptoKeys/K (got "disks")',
    ]);
  });
});
