import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp, exampleConfig, onlyResource } from '../support/app';

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'sql', 'assets', 'run-sql.sh');

/**
 * Runs the Job's script with stand-ins for pg_isready, psql, wget and sleep on PATH. Each stand-in appends its
 * arguments to calls.log; pg_isready fails `notReadyTimes` times before succeeding.
 */
function run(options: { notReadyTimes?: number; psqlFails?: boolean; attempts?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-sql-'));
  const log = path.join(dir, 'calls.log');
  const fake = (name: string, body: string) =>
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
  fake('pg_isready', `n=$(cat "${dir}/count" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/count"; [ "$n" -ge ${options.notReadyTimes ?? 0} ]`);
  fake('psql', options.psqlFails ? 'echo "ERROR: role does not exist" >&2; exit 3' : 'exit 0');
  fake('wget', 'exit 0');
  fake('sleep', 'exit 0');
  const result = spawnSync('sh', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      SQL: 'GRANT cloudsqlsuperuser TO "sa@p.iam";',
      PROXY_ADMIN_PORT: '9091',
      WAIT_ATTEMPTS: String(options.attempts ?? 60),
    },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, calls };
}

const QUIT = "wget -q -O /dev/null --post-data= http://127.0.0.1:9091/quitquitquit";
const PSQL = 'psql --no-psqlrc -v ON_ERROR_STOP=1 -c GRANT cloudsqlsuperuser TO "sa@p.iam";';

describe('run-sql.sh (the GRANT job)', () => {
  test('runs the SQL once the proxy accepts connections, then stops the proxy', () => {
    expect(run()).toEqual({ status: 0, stderr: '', calls: ['pg_isready -q', PSQL, QUIT] });
  });

  test('waits for the proxy', () => {
    const { status, calls } = run({ notReadyTimes: 2 });
    expect(status).toBe(0);
    expect(calls).toEqual(['pg_isready -q', 'sleep 2', 'pg_isready -q', 'sleep 2', 'pg_isready -q', PSQL, QUIT]);
  });

  test('gives up after WAIT_ATTEMPTS, still stopping the proxy so the Job ends', () => {
    const { status, stderr, calls } = run({ notReadyTimes: 99, attempts: 3 });
    expect(status).toBe(1);
    expect(stderr).toBe('the Cloud SQL Auth Proxy did not accept connections after 3 attempts\n');
    expect(calls.filter((c) => c.startsWith('psql'))).toEqual([]);
    expect(calls.at(-1)).toBe(QUIT);
  });

  test('a failing statement fails the Job and still stops the proxy', () => {
    const { status, stderr, calls } = run({ psqlFails: true });
    expect(status).toBe(3);
    expect(stderr).toContain('ERROR: role does not exist');
    expect(calls.at(-1)).toBe(QUIT);
  });

  test('the Job runs exactly this script', () => {
    const job = onlyResource(buildApp(exampleConfig()).json('skypilot-app'), 'kubernetes_job_v1') as {
      spec: { template: { spec: { container: { name: string; command?: string[] }[] } } };
    };
    const psql = job.spec.template.spec.container.find((c) => c.name === 'psql');
    expect(psql?.command).toEqual(['sh', '-c', fs.readFileSync(SCRIPT, 'utf8')]);
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  (shellcheck || process.env.CI ? test : test.skip)('shellcheck finds nothing (POSIX sh)', () => {
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', SCRIPT], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
