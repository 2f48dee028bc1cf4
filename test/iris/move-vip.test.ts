import { execFile, execFileSync } from 'node:child_process';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PYTHON3 } from '../support/python';
import { FakeGoogle } from './fake-google';

const PROGRAM = path.join(__dirname, '..', '..', 'lib', 'iris', 'assets', 'move-vip.py');
const VIP = '10.0.0.250/32';
const FAST = ['--poll-interval', '0.02', '--retry-delay', '0.02', '--deadline', '20'];
/**
 * For runs that wait out the deadline: half a second still allows a few retries (0.05, 0.1, 0.2 s). The program
 * reports the deadline in whole seconds: 'gave up after 0s'.
 */
const SHORT_DEADLINE = ['--poll-interval', '0.02', '--retry-delay', '0.05', '--deadline', '0.5'];

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Scenario {
  /** Two members, the VIP on the peer, this VM the backup: change it before `run`. */
  readonly google: FakeGoogle;
  readonly host: string;
  /** Runs the program for real with python3 against this scenario's server (async: the server lives in this process). */
  readonly run: (args?: string[], env?: NodeJS.ProcessEnv) => Promise<Result>;
  readonly aliases: (name: string) => string[];
  readonly mutations: () => string[];
}

const servers: FakeGoogle[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

/**
 * A fake Google of its own for each test, so the tests run concurrently: each waits mostly on its program's retries
 * and deadlines.
 */
async function scenario(): Promise<Scenario> {
  const google = new FakeGoogle();
  servers.push(google);
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
  const host = await google.start();
  const run = (args: string[] = FAST, env: NodeJS.ProcessEnv = {}) =>
    new Promise<Result>((resolve) => {
      execFile(
        PYTHON3,
        [PROGRAM, ...args],
        {
          env: { ...process.env, GCE_METADATA_HOST: host, COMPUTE_API_BASE: `http://${host}/compute/v1`, ...env },
          timeout: 30_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  return {
    google,
    host,
    run,
    aliases: (name) => google.instances[name].nic.aliasIpRanges.map((r) => r.ipCidrRange),
    mutations: () => google.requests.filter((r) => !r.startsWith('GET')),
  };
}

describe('move-vip.py (the failover program)', () => {
  test.concurrent('normal move: off the peer, onto this VM, each operation awaited', async () => {
    const { run, aliases, mutations } = await scenario();
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

  test.concurrent('already moved: no change, exit 0', async () => {
    const { google, run, mutations } = await scenario();
    google.instances['isc-primary-001'].nic.aliasIpRanges = [];
    google.instances['isc-backup-001'].nic.aliasIpRanges = [{ ipCidrRange: VIP }];
    const result = await run();
    expect(result.code).toBe(0);
    expect(mutations()).toEqual([]);
    expect(result.stdout).toContain('add 10.0.0.250/32 to isc-backup-001: already in place');
  });

  test.concurrent('peer has no alias (first start, or it lost it): only the add', async () => {
    const { google, run, aliases, mutations } = await scenario();
    google.instances['isc-primary-001'].nic.aliasIpRanges = [{ ipCidrRange: '10.0.0.240/32' }];
    const result = await run();
    expect(result.code).toBe(0);
    expect(aliases('isc-primary-001')).toEqual(['10.0.0.240/32']);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
    expect(mutations()).toHaveLength(1);
  });

  test.concurrent('a 503 then success is retried', async () => {
    const { google, run, aliases } = await scenario();
    google.faults.push({
      method: 'PATCH',
      pathIncludes: 'isc-primary-001/updateNetworkInterface',
      status: 503,
      times: 1,
    });
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/updateNetworkInterface\?networkInterface=nic0: HTTP 503; retrying in/);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test.concurrent('a 412 fingerprint conflict re-reads the interface and tries again', async () => {
    const { google, run, aliases } = await scenario();
    google.concurrentWriteOn = 'isc-primary-001';
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'remove 10.0.0.250/32 from isc-primary-001: interface changed meanwhile (HTTP 412)',
    );
    expect(aliases('isc-primary-001')).toEqual([]);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test.concurrent('an operation that needs several polls is awaited before the next step', async () => {
    const { google, run } = await scenario();
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

  test.concurrent('the public VIP moves with the alias', async () => {
    const { google, run, mutations } = await scenario();
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

  test.concurrent(
    'once the peer let go, an add that fails (the alias not yet free: 400) is tried again until it works',
    async () => {
      const { google, run, aliases } = await scenario();
      google.faults.push({
        method: 'PATCH',
        pathIncludes: 'isc-backup-001/updateNetworkInterface',
        status: 400,
        times: 2,
      });
      const result = await run();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/add 10\.0\.0\.250\/32 to isc-backup-001: PATCH .*: HTTP 400 .*; trying again in/);
      expect(aliases('isc-primary-001')).toEqual([]);
      expect(aliases('isc-backup-001')).toEqual([VIP]);
    },
  );

  test.concurrent(
    'an add that keeps failing ends at the deadline with the last error, and exits 1: the VIP is not here',
    async () => {
      const { google, run, aliases } = await scenario();
      google.faults.push({
        method: 'PATCH',
        pathIncludes: 'isc-backup-001/updateNetworkInterface',
        status: 403,
        times: 1000,
      });
      const result = await run(SHORT_DEADLINE);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^move-vip: failed: gave up after 0s \(deadline\); last error: PATCH .*isc-backup-001\/updateNetworkInterface.*: HTTP 403/,
      );
      // The systemd timer on the member tries again a minute later.
      expect(aliases('isc-backup-001')).toEqual([]);
    },
  );

  test.concurrent(
    "the peer's zone down while the VIP is already here: exit 0 at once, nothing asked of that zone",
    async () => {
      const { google, run } = await scenario();
      google.instances['isc-primary-001'].nic.aliasIpRanges = [];
      google.instances['isc-backup-001'].nic.aliasIpRanges = [{ ipCidrRange: VIP }];
      google.downZones.add('us-central1-a');
      const result = await run();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(google.requests.filter((r) => r.includes('us-central1-a'))).toEqual([]);
    },
  );

  test.concurrent(
    "the peer's zone down while the peer holds the VIP: exit 1 at the deadline (its alias cannot be released)",
    async () => {
      const { google, run, aliases } = await scenario();
      google.downZones.add('us-central1-a');
      const result = await run(SHORT_DEADLINE);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^move-vip: failed: gave up after 0s \(deadline\)/);
      expect(aliases('isc-primary-001')).toEqual([VIP]);
    },
  );

  test.concurrent('a peer listed in the wrong zone is found by name and released there', async () => {
    const { google, run, aliases } = await scenario();
    google.attributes['vip-members'] = 'isc-primary-001/us-central1-c,isc-backup-001/us-central1-b';
    const result = await run();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(
      'move-vip: isc-primary-001 is in us-central1-a, not in us-central1-c as vip-members says',
    );
    expect(google.requests).toContain(
      'GET /compute/v1/projects/test-project/aggregated/instances?filter=name+%3D+%22isc-primary-001%22&returnPartialSuccess=true',
    );
    expect(aliases('isc-primary-001')).toEqual([]);
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test.concurrent('a peer that no longer exists anywhere: nothing to take, the VIP is added here', async () => {
    const { google, run, aliases } = await scenario();
    delete google.instances['isc-primary-001'];
    const result = await run();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('isc-primary-001 does not exist (looked in every zone): nothing to take from it');
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test.concurrent(
    'a lost response after the access config moved: the 400 of the retry is recognised as done',
    async () => {
      const { google, run } = await scenario();
      google.attributes['vip-public-address'] = 'isc-mirror';
      google.addresses['isc-mirror'] = '203.0.113.10';
      google.instances['isc-primary-001'].nic.accessConfigs = [{ name: 'isc-mirror', natIP: '203.0.113.10' }];
      google.faults.push(
        { method: 'POST', pathIncludes: 'deleteAccessConfig', status: 503, times: 1, afterApply: true },
        { method: 'POST', pathIncludes: 'addAccessConfig', status: 503, times: 1, afterApply: true },
      );
      const result = await run();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(
        'detach isc-mirror from isc-primary-001: applied by an earlier attempt whose response was lost',
      );
      expect(result.stdout).toContain(
        'attach isc-mirror (203.0.113.10) to isc-backup-001: applied by an earlier attempt whose response was lost',
      );
      expect(google.instances['isc-backup-001'].nic.accessConfigs).toHaveLength(1);
    },
  );

  test.concurrent(
    'this VM missing from its zone, a body that is not JSON, a missing field: a reason, never a traceback',
    async () => {
      // Three scenarios of their own, run side by side.
      const runWith = async (setup: (google: FakeGoogle) => void, args?: string[]) => {
        const { google, run } = await scenario();
        setup(google);
        return run(args);
      };
      const [missing, garbled, partial] = await Promise.all([
        runWith(
          (google) =>
            google.faults.push({ method: 'GET', pathIncludes: 'instances/isc-backup-001', status: 404, times: 1000 }),
          ['--poll-interval', '0.02', '--retry-delay', '0.02', '--deadline', '2'],
        ),
        runWith(
          (google) =>
            google.faults.push({
              method: 'GET',
              pathIncludes: 'instances/isc-backup-001',
              status: 200,
              times: 1000,
              body: '<html>proxy</html>',
            }),
          ['--poll-interval', '0.02', '--retry-delay', '0.02', '--deadline', '2'],
        ),
        runWith((google) => {
          google.attributes['vip-public-address'] = 'isc-mirror';
          google.faults.push({ method: 'GET', pathIncludes: 'addresses/isc-mirror', status: 200, times: 1000, body: '{}' });
        }),
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('move-vip: failed: this VM, isc-backup-001, is not in zone us-central1-b\n');
      expect(garbled.code).toBe(1);
      expect(garbled.stderr).toMatch(
        /^move-vip: failed: GET .*isc-backup-001: HTTP 200 with a body that is not JSON: '<html>proxy<\/html>'\n$/,
      );
      expect(partial.code).toBe(1);
      expect(partial.stderr).toBe("move-vip: failed: unexpected API response (KeyError: 'address')\n");
      for (const result of [missing, garbled, partial]) expect(result.stderr).not.toContain('Traceback');
    },
  );

  test.concurrent(
    'a certificate that does not verify and a name that does not exist are reported at once, not retried',
    async () => {
      const { run } = await scenario();
      // An HTTPS server whose self-signed certificate no CA bundle trusts: what a missing bundle looks like. An EC key
      // (milliseconds) rather than RSA (a quarter second, blocking the fake servers of the other tests meanwhile).
      const pem = execFileSync(
        'openssl',
        'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 -keyout -'.split(' '),
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      // Key and certificate both on stdout: each option takes its own block of the PEM.
      const server = https.createServer({ key: pem, cert: pem }, (_, res) => res.end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const tlsHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const started = Date.now();
      try {
        const [tls, dns] = await Promise.all([
          run(FAST, { COMPUTE_API_BASE: `https://${tlsHost}/compute/v1` }),
          run(FAST, { COMPUTE_API_BASE: 'https://compute.invalid/compute/v1' }),
        ]);
        expect(tls.code).toBe(1);
        expect(tls.stderr).toMatch(
          /^move-vip: failed: TLS: the certificate of 127\.0\.0\.1:\d+ does not verify: .*\(is a CA bundle installed where this runs\?\)/,
        );
        expect(dns.code).toBe(1);
        expect(dns.stderr).toMatch(/^move-vip: failed: DNS: compute\.invalid does not resolve: /);
        expect(`${tls.stdout}${dns.stdout}`).not.toContain('retrying');
      } finally {
        server.close();
      }
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  test.concurrent('a TLS error that may pass (a handshake cut short) is retried, and named as TLS', async () => {
    const { host, run } = await scenario();
    // HTTPS to a plain HTTP port: the handshake fails without a certificate to judge. One retry in each half second
    // (the move, then the check whether the VIP is here anyway), not three: every attempt loads the CA bundle (30 ms).
    const result = await run(['--poll-interval', '0.02', '--retry-delay', '0.2', '--deadline', '0.5'], {
      COMPUTE_API_BASE: `https://${host}/compute/v1`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/: TLS error: .*; retrying in/);
  });

  test.concurrent(
    'a peer refusing changes while it stops (400 resourceNotReady, an operation that fails) is asked again',
    async () => {
      const { google, run, aliases } = await scenario();
      google.faults.push({
        method: 'PATCH',
        pathIncludes: 'isc-primary-001/updateNetworkInterface',
        status: 400,
        times: 1,
        body: JSON.stringify({
          error: {
            code: 400,
            message: "The resource 'isc-primary-001' is not ready",
            errors: [{ reason: 'resourceNotReady' }],
          },
        }),
      });
      google.failingOperations = {
        pathIncludes: 'isc-primary-001/updateNetworkInterface',
        times: 1,
        code: 'CONDITION_NOT_MET',
        message: 'Fingerprint mismatch',
      };
      const result = await run();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        /remove 10\.0\.0\.250\/32 from isc-primary-001: .*HTTP 400.*resourceNotReady.*; trying again in/,
      );
      expect(result.stdout).toContain(
        'remove 10.0.0.250/32 from isc-primary-001 failed: Fingerprint mismatch; trying again in',
      );
      expect(aliases('isc-primary-001')).toEqual([]);
      expect(aliases('isc-backup-001')).toEqual([VIP]);
    },
  );

  test.concurrent('a response cut in transit after the peer let go: retried, never a traceback', async () => {
    const { google, run, aliases } = await scenario();
    google.faults.push({
      method: 'PATCH',
      pathIncludes: 'isc-backup-001/updateNetworkInterface',
      status: 200,
      times: 1,
      cut: true,
    });
    const result = await run();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /isc-backup-001\/updateNetworkInterface\?networkInterface=nic0: (IncompleteRead|RemoteDisconnected|ConnectionResetError).*; retrying in/,
    );
    expect(aliases('isc-backup-001')).toEqual([VIP]);
  });

  test.concurrent(
    'without permission to list instances, a peer gone from its zone does not stop the claim',
    async () => {
      const { google, run, aliases } = await scenario();
      delete google.instances['isc-primary-001'];
      google.permissions = new Set([
        'compute.instances.get',
        'compute.instances.updateNetworkInterface',
        'compute.zoneOperations.get',
      ]);
      const result = await run();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(
        /isc-primary-001 is not in us-central1-a, and looking for it elsewhere failed \(.*HTTP 403.*compute\.instances\.list.*\): claiming anyway/,
      );
      expect(aliases('isc-backup-001')).toEqual([VIP]);
    },
  );

  test.concurrent('no CA certificates where it runs: it says so before calling anything', async () => {
    const { google, run } = await scenario();
    const result = await run(FAST, {
      COMPUTE_API_BASE: 'https://compute.googleapis.com/compute/v1',
      SSL_CERT_FILE: '/nonexistent/ca.pem',
      SSL_CERT_DIR: '/nonexistent',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'move-vip: failed: no CA certificates for TLS here (install ca-certificates, or run this on the host)\n',
    );
    expect(google.requests).toEqual([]);
  });

  test.concurrent('an API that never recovers ends at the deadline', async () => {
    const { google, run } = await scenario();
    google.faults.push({ method: 'PATCH', pathIncludes: 'updateNetworkInterface', status: 503, times: 1000 });
    const started = Date.now();
    const result = await run(SHORT_DEADLINE);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('move-vip: failed: gave up after 0s (deadline)\n');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test.concurrent('this VM not among the members is a settings error (exit 2)', async () => {
    const { google, run, mutations } = await scenario();
    google.attributes['vip-members'] = 'isc-primary-001/us-central1-a,isc-other-001/us-central1-c';
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'move-vip: bad settings: this VM (isc-backup-001) is not one of vip-members isc-primary-001, isc-other-001\n',
    );
    expect(mutations()).toEqual([]);
  });
});
