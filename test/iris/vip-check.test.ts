import { execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { vipCheckUnits, VIP_CHECK_PATH } from '../../lib/iris/startup';

// vip-check.sh (iris-vip-check) run for real with bash: real curl against a fake metadata server on 127.0.0.1
// (GCE_METADATA_HOST), and stub `docker` and `python3` on PATH that record what they were asked.

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'iris', 'assets', 'vip-check.sh');
const VIP = '10.0.0.250/32';

/** A metadata server that answers only with the Metadata-Flavor header, as Google's does; 404 for unknown paths. */
class FakeMetadata {
  readonly values: Record<string, string> = {};
  readonly requests: string[] = [];
  private server?: http.Server;

  start(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const url = request.url ?? '';
      this.requests.push(url);
      if (request.headers['metadata-flavor'] !== 'Google') {
        response.writeHead(403).end('Missing Metadata-Flavor:Google header.');
        return;
      }
      const key = url.replace(/^\/computeMetadata\/v1\//, '');
      const value = this.values[key];
      if (value === undefined) response.writeHead(404).end('not found');
      else response.writeHead(200, { 'Content-Type': 'application/text' }).end(value);
    });
    return new Promise((resolve) =>
      this.server!.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(this.server!.address() as AddressInfo).port}`)),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const STUB_DOCKER = `#!/bin/bash
# Stub docker: logs its arguments (and session input) to $CALLS; IRIS state from FAKE_IRIS and FAKE_PRIMARY.
printf 'docker %s\\n' "$*" >>"$CALLS"
if [ "$1 $2 $3 $4" = "exec iris iris qlist" ]; then
  [ "$FAKE_IRIS" = running ] || exit 1
  echo 'IRIS^/usr/irissys^2023.2.0.221.0^running, since Jan 1 2024^iris.cpf^1972^0^0^ok^IRIS^^^/usr/irissys'
  exit 0
fi
if [ "$1 $2 $3 $4 $5 $6" = "exec -i iris iris session IRIS" ]; then
  input=$(cat)
  printf 'session input: %s\\n' "$input" >>"$CALLS"
  file=$(sed -n 's#.*set file="/iris/\\([^"]*\\)".*#\\1#p' <<<"$input")
  [ -n "$FAKE_PRIMARY" ] && printf '%s' "$FAKE_PRIMARY" >"$IRIS_BASE/iris/$file"
  exit 0
fi
exit 1
`;

/** Stub pgrep: a move-vip.py process "runs" when FAKE_MOVING is set (the real one would see other tests' programs). */
const STUB_PGREP = `#!/bin/bash
printf 'pgrep %s\\n' "$*" >>"$CALLS"
[ -n "$FAKE_MOVING" ]
`;

const STUB_PYTHON = `#!/bin/bash
printf 'python3 %s\\n' "$*" >>"$CALLS"
exit "\${FAKE_MOVE_EXIT:-0}"
`;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
}

let metadata: FakeMetadata;
let host: string;
let dir: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vip-check-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'base', 'iris'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), STUB_DOCKER, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'python3'), STUB_PYTHON, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'pgrep'), STUB_PGREP, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'calls'), '');
  metadata = new FakeMetadata();
  metadata.values['instance/attributes/vip-alias-range'] = VIP;
  nic0({ aliases: [] });
  host = await metadata.start();
});

afterEach(async () => {
  await metadata.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the checker with bash (async: the metadata server lives in this process). */
function run(env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [SCRIPT],
      {
        env: {
          ...process.env,
          PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
          GCE_METADATA_HOST: host,
          IRIS_BASE: path.join(dir, 'base'),
          IRIS_VIP_LOCK: path.join(dir, 'vip.lock'),
          CALLS: path.join(dir, 'calls'),
          FAKE_IRIS: 'running',
          FAKE_PRIMARY: '0',
          FAKE_MOVING: '',
          ...env,
        },
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          calls: fs.readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
        }),
    );
  });
}

/** nic0 as the metadata server's recursive JSON shows it (compact, as it sends it). */
function nic0(options: { aliases: string[]; externalIp?: string }): void {
  metadata.values['instance/network-interfaces/0/?recursive=true&alt=json'] = JSON.stringify({
    accessConfigs: options.externalIp ? [{ externalIp: options.externalIp, type: 'ONE_TO_ONE_NAT' }] : [],
    dnsServers: ['169.254.169.254'],
    gateway: '10.0.0.1',
    ip: '10.0.0.4',
    ipAliases: options.aliases,
    mac: '42:01:0a:00:00:04',
    mtu: 1460,
    network: 'projects/123456/networks/isc-mirror',
    subnetmask: '255.255.255.0',
  });
}

const movesRun = (result: Result) => result.calls.filter((call) => call.startsWith('python3 '));
const irisQueries = (result: Result) => result.calls.filter((call) => call.startsWith('docker '));

describe('vip-check.sh (iris-vip-check, every minute on each member)', () => {
  test('the VIP is here: exit 0 at once, no IRIS query, no move, no output', async () => {
    nic0({ aliases: [VIP] });
    const result = await run({ FAKE_PRIMARY: '1' });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(irisQueries(result)).toEqual([]);
    expect(movesRun(result)).toEqual([]);
    expect(metadata.requests).toEqual([
      '/computeMetadata/v1/instance/attributes/vip-alias-range',
      '/computeMetadata/v1/instance/network-interfaces/0/?recursive=true&alt=json',
      '/computeMetadata/v1/instance/attributes/vip-public-address',
    ]);
  });

  test('a /32 alias listed without its prefix length counts as here', async () => {
    nic0({ aliases: ['10.0.0.250'] });
    const result = await run({ FAKE_PRIMARY: '1' });
    expect(result.code).toBe(0);
    expect(irisQueries(result)).toEqual([]);
  });

  test('not here and this member is the primary: move-vip.py runs, under the lock', async () => {
    nic0({ aliases: ['10.0.0.99/32'] });
    const result = await run({ FAKE_PRIMARY: '1' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(movesRun(result)).toEqual([`python3 ${path.join(dir, 'base', 'iris', 'move-vip.py')}`]);
    expect(result.calls).toContain('docker exec iris iris qlist');
    expect(result.calls.find((call) => call.startsWith('session input:'))).toContain('##class(%SYSTEM.Mirror).IsPrimary()');
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'iris-vip-check: this member is the primary but the VIP 10.0.0.250/32 is not on this VM: running move-vip.py',
      'iris-vip-check: the VIP is on this VM',
    ]);
    // The answer file is removed, so a stale answer never decides the next run.
    expect(fs.readdirSync(path.join(dir, 'base', 'iris'))).toEqual([]);
  });

  test('not here and this member is not the primary: IRIS asked, nothing moved, silent', async () => {
    const result = await run({ FAKE_PRIMARY: '0' });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(result.calls).toContain('docker exec iris iris qlist');
    expect(movesRun(result)).toEqual([]);
  });

  test('IRIS not running: nothing asked or moved, exit 0 with a log line', async () => {
    const result = await run({ FAKE_IRIS: 'stopped', FAKE_PRIMARY: '1' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.calls).toEqual(['docker exec iris iris qlist']);
    expect(movesRun(result)).toEqual([]);
    expect(result.stdout).toBe('iris-vip-check: the VIP 10.0.0.250/32 is not on this VM and IRIS is not running here: nothing to do\n');
  });

  test('IRIS gives no answer: nothing moved, exit 0 with a log line', async () => {
    const result = await run({ FAKE_PRIMARY: '' });
    expect(result.code).toBe(0);
    expect(movesRun(result)).toEqual([]);
    expect(result.stdout).toContain("could not ask IRIS whether this member is the primary (answer '')");
  });

  test('public VIP: the alias alone is not enough, the external address must be here too', async () => {
    nic0({ aliases: [VIP] });
    metadata.values['instance/attributes/vip-public-address'] = 'isc-mirror';
    const missing = await run({ FAKE_PRIMARY: '1' });
    expect(movesRun(missing)).toHaveLength(1);

    fs.writeFileSync(path.join(dir, 'calls'), '');
    nic0({ aliases: [VIP], externalIp: '203.0.113.7' });
    const here = await run({ FAKE_PRIMARY: '1' });
    expect(here).toMatchObject({ code: 0, stdout: '' });
    expect(irisQueries(here)).toEqual([]);
  });

  test('move-vip.py fails: exit 1 so the unit shows failed; the next run tries again', async () => {
    const result = await run({ FAKE_PRIMARY: '1', FAKE_MOVE_EXIT: '1' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('move-vip.py failed with exit code 1: the next run tries again');
  });

  test('another move holds the lock (startup.sh claiming): no second move, exit 0', async () => {
    const lock = path.join(dir, 'vip.lock');
    // Hold the lock from a child (its own process group, so that flock and its sleep both end with it).
    const holder = spawn('flock', [lock, 'sleep', '30'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    while (spawnSync('flock', ['--nonblock', lock, 'true']).status === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await run({ FAKE_PRIMARY: '1' });
    process.kill(-holder.pid!, 'SIGTERM');
    await exited;
    expect(result.code).toBe(0);
    expect(movesRun(result)).toEqual([]);
    expect(result.stdout).toContain('another move of the VIP is under way');
  });

  test("ZMIRROR's move-vip.py already running (in the container): no second move, exit 0", async () => {
    const result = await run({ FAKE_PRIMARY: '1', FAKE_MOVING: '1' });
    expect(result.code).toBe(0);
    expect(result.calls).toContain("pgrep -f move-vip\\.py");
    expect(movesRun(result)).toEqual([]);
    expect(result.stdout).toBe('iris-vip-check: move-vip.py is already running on this VM: the next run checks again\n');
  });

  test('no vip-alias-range: exit 2, the unit shows failed', async () => {
    delete metadata.values['instance/attributes/vip-alias-range'];
    const result = await run({});
    expect(result.code).toBe(2);
    expect(irisQueries(result)).toEqual([]);
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  (shellcheck || process.env.CI ? test : test.skip)('shellcheck finds nothing', () => {
    const result = spawnSync('shellcheck', ['--severity=style', SCRIPT], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('iris-vip-check.service and .timer', () => {
  const units = vipCheckUnits();

  test('a oneshot service running the installed checker; a timer a minute after each run, from boot', () => {
    expect(units.service).toContain(`ExecStart=${VIP_CHECK_PATH}\n`);
    expect(units.service).toContain('Type=oneshot\n');
    expect(units.timer).toMatch(/\[Timer\]\nOnBootSec=1min\nOnUnitInactiveSec=1min\n/);
    expect(units.timer).toContain('[Install]\nWantedBy=timers.target\n');
  });

  // `systemd-analyze verify` loads the units as systemd would and reports bad keys and values on stderr (its exit
  // status stays 0 for those), and a missing ExecStart binary as an error. The installed path does not exist here, so
  // the verified copy points ExecStart at this repository's vip-check.sh; everything else is the rendered text.
  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  (analyze ? test : test.skip)('systemd-analyze verify accepts them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vip-units-'));
    try {
      const copy = vipCheckUnits(SCRIPT);
      fs.writeFileSync(path.join(dir, 'iris-vip-check.service'), copy.service);
      fs.writeFileSync(path.join(dir, 'iris-vip-check.timer'), copy.timer);
      expect(copy.service.replace(SCRIPT, VIP_CHECK_PATH)).toBe(units.service);
      const result = spawnSync(
        'systemd-analyze',
        ['verify', '--man=no', path.join(dir, 'iris-vip-check.service'), path.join(dir, 'iris-vip-check.timer')],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
