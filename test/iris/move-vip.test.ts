import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { FakeGoogle } from './fake-google';

const PROGRAM = path.join(__dirname, '..', '..', 'lib', 'iris', 'assets', 'move-vip.py');
const VIP = '10.0.0.250/32';
const FAST = ['--poll-interval', '0.02', '--retry-delay', '0.02', '--deadline', '20'];

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let google: FakeGoogle;
let host: string;

beforeEach(async () => {
  google = new FakeGoogle();
  google.instances['isc-primary-001'] = {
    zone: 'us-central1-a',
    nic: { fingerprint: 'fp-a', aliasIpRanges: [{ ipCidrRange: VIP }], accessConfigs: [] },
  };
  google.instances['isc-backup-001'] = {
    zone: 'us-central1-b',
    nic: { fingerprint: 'fp-b', aliasIpRanges: [], accessConfigs: [] },
  };
  google.attributes['vip-alias-range'] = VIP;
  google.attributes['vip-members'] = 'isc-primary-001/us-central1-a,isc-backup-001/us-central1-b';
  google.self = 'isc-backup-001';
  host = await google.start();
});

afterEach(() => google.stop());

/** Runs the program for real with python3 against the fake server (async: the server lives in this process). */
function run(args: string[] = FAST): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'python3',
      [PROGRAM, ...args],
      {
        env: { ...process.env, GCE_METADATA_HOST: host, COMPUTE_API_BASE: `http://${host}/compute/v1` },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const aliases = (name: string) => google.instances[name].nic.aliasIpRanges.map((r) => r.ipCidrRange);
const mutations = () => google.requests.filter((r) => !r.startsWith('GET'));

describe('move-vip.py (the failover program)', () => {
  test('normal move: off the peer, onto this VM, each operation awaited', async () => {
    const result = await run();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(aliases('isc-primary-001')).toEqual([]);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
    expect(mutations()).toEqual([
      'PATCH /compute/v1/projects/test-project/zones/us-central1-a/instances/isc-primary-001/updateNetworkInterface?networkInterface=nic0',
      'PATCH /compute/v1/projects/test-project/zones/us-central1-b/instances/isc-backup-001/updateNetworkInterface?networkInterface=nic0',
    ]);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'move-vip: moving 10.0.0.250/32 to isc-backup-001 (us-central1-b); peers: isc-primary-001',
      'move-vip: remove 10.0.0.250/32 from isc-primary-001: done (0 polls)',
      'move-vip: add 10.0.0.250/32 to isc-backup-001: done (0 polls)',
      'move-vip: done: 10.0.0.250/32 is on isc-backup-001',
    ]);
  });

  test('already moved: no change, exit 0', async () => {
    google.instances['isc-primary-001'].nic.aliasIpRanges = [];
    google.instances['isc-backup-001'].nic.aliasIpRanges = [{ ipCidrRange: VIP }];
    const result = await run();
    expect(result.code).toBe(0);
    expect(mutations()).toEqual([]);
    expect(result.stdout).toContain('add 10.0.0.250/32 to isc-backup-001: already in place');
  });

  test('peer has no alias (first start, or it lost it): only the add', async () => {
    google.instances['isc-primary-001'].nic.aliasIpRanges = [{ ipCidrRange: '10.0.0.240/32' }];
    const result = await run();
    expect(result.code).toBe(0);
    expect(aliases('isc-primary-001')).toEqual(['10.0.0.240/32']);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
    expect(mutations()).toHaveLength(1);
  });

  test('a 503 then success is retried', async () => {
    google.faults.push({ method: 'PATCH', pathIncludes: 'isc-primary-001/updateNetworkInterface', status: 503, times: 1 });
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/updateNetworkInterface\?networkInterface=nic0: HTTP 503; retrying in/);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test('a 412 fingerprint conflict re-reads the interface and tries again', async () => {
    google.concurrentWriteOn = 'isc-primary-001';
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('remove 10.0.0.250/32 from isc-primary-001: interface changed meanwhile (HTTP 412)');
    expect(aliases('isc-primary-001')).toEqual([]);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test('an operation that needs several polls is awaited before the next step', async () => {
    google.pollsPerOperation = 3;
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('remove 10.0.0.250/32 from isc-primary-001: done (3 polls)');
    const polls = google.requests.filter((r) => r.includes('/operations/'));
    expect(polls).toHaveLength(6);
    // The add is sent only after the removal's operation is DONE.
    const addIndex = google.requests.findIndex((r) => r.startsWith('PATCH') && r.includes('isc-backup-001'));
    expect(google.requests.slice(0, addIndex).filter((r) => r.includes('/operations/'))).toHaveLength(3);
  });

  test('the public VIP moves with the alias', async () => {
    google.attributes['vip-public-address'] = 'isc-mirror';
    google.addresses['isc-mirror'] = '203.0.113.10';
    google.instances['isc-primary-001'].nic.accessConfigs = [{ name: 'isc-mirror', natIP: '203.0.113.10' }];
    const result = await run();
    expect(result.code).toBe(0);
    expect(google.instances['isc-primary-001'].nic.accessConfigs).toEqual([]);
    expect(google.instances['isc-backup-001'].nic.accessConfigs).toEqual([
      { name: 'isc-mirror', natIP: '203.0.113.10', type: 'ONE_TO_ONE_NAT' },
    ]);
    expect(mutations().slice(2)).toEqual([
      'POST /compute/v1/projects/test-project/zones/us-central1-a/instances/isc-primary-001/deleteAccessConfig?accessConfig=isc-mirror&networkInterface=nic0',
      'POST /compute/v1/projects/test-project/zones/us-central1-b/instances/isc-backup-001/addAccessConfig?networkInterface=nic0',
    ]);
    expect(result.stdout).toContain('done: 10.0.0.250/32 and isc-mirror is on isc-backup-001');
  });

  test('a failing API ends non-zero with the reason', async () => {
    google.faults.push({ method: 'PATCH', pathIncludes: 'isc-backup-001/updateNetworkInterface', status: 403, times: 1 });
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^move-vip: failed: PATCH .*isc-backup-001\/updateNetworkInterface.*: HTTP 403/);
  });

  test('an API that never recovers ends at the deadline', async () => {
    google.faults.push({ method: 'PATCH', pathIncludes: 'updateNetworkInterface', status: 503, times: 1000 });
    const started = Date.now();
    const result = await run(['--poll-interval', '0.02', '--retry-delay', '0.05', '--deadline', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('move-vip: failed: gave up after 1s (deadline)\n');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('this VM not among the members is a settings error (exit 2)', async () => {
    google.attributes['vip-members'] = 'isc-primary-001/us-central1-a,isc-other-001/us-central1-c';
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'move-vip: bad settings: this VM (isc-backup-001) is not one of vip-members isc-primary-001, isc-other-001\n',
    );
    expect(mutations()).toEqual([]);
  });
});
