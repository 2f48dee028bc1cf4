import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cspIniTemplate, IrisDeployment, startupScript } from '../../lib/iris/startup';
import { linkPython3 } from '../support/python';

// Functions of the rendered startup.sh run for real with bash (sourced with IRIS_STARTUP_LIBRARY=1, so main does not
// run), against stub `curl`, `docker` and `sleep` on PATH that record what they were asked; python3 is the real
// interpreter, linked into that folder.

const deployment: IrisDeployment = {
  registry: 'us-central1-docker.pkg.dev/example-project-123/intersystems',
  irisVersion: '2023.2.0.221.0',
  mirrorName: 'DEMO',
  names: { primary: 'isc-primary-001', backup: 'isc-backup-001', arbiter: 'isc-arbiter-001', client: 'isc-client-001' },
  sshPort: 2180,
  licenseSecret: 'projects/example-project-123/secrets/iris-license',
  cspPasswordSecret: 'projects/example-project-123/secrets/isc-mirror-cspsystem-password',
};
const PASSWORD = 'Abc123def456GHI789jkl012MNO345pq';

/**
 * Stub curl. Metadata reads (-H Metadata-Flavor) answer a token or an attribute from $ATTRIBUTES/<name>. Secret
 * Manager reads (--config - -o FILE -w ...) answer the next of $RESPONSES/<n> (first line the HTTP status, then the
 * body; the last one repeats), and record the config they got on stdin.
 */
const STUB_CURL = `#!/bin/bash
printf 'curl %s\\n' "$*" >>"$CALLS"
url="\${!#}"
case "$url" in
  */service-accounts/default/token) echo '{"access_token":"ya29.token","expires_in":3599}'; exit 0 ;;
  */instance/attributes/*) cat "$ATTRIBUTES/\${url##*/}"; exit ;;
esac
out=
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift ;;
    --config) printf 'config: %s\\n' "$(cat)" >>"$CALLS" ;;
  esac
  shift
done
n=$(( $(cat "$RESPONSES/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$RESPONSES/count"
file="$RESPONSES/$n"
[ -e "$file" ] || file="$RESPONSES/$(ls "$RESPONSES" | grep -xE '[0-9]+' | sort -n | tail -1)"
tail -n +2 "$file" >"$out"
head -1 "$file" | tr -d '\\n'
`;

/** Stub docker: logs arguments and stdin; `compose pull` fails $PULL_FAILURES times; images present if $IMAGES_PRESENT. */
const STUB_DOCKER = `#!/bin/bash
args="$*"
printf 'docker %s\\n' "$args" >>"$CALLS"
case "$args" in
  login*) printf 'login password: %s\\n' "$(cat)" >>"$CALLS"; exit 0 ;;
  *"config --images") printf '%s\\n' registry/iris:1 registry/webgateway:1; exit 0 ;;
  "image inspect"*) [ -n "$IMAGES_PRESENT" ]; exit ;;
  *"pull --quiet")
    n=$(( $(cat "$WORK_DIR/pulls" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$WORK_DIR/pulls"
    [ "$n" -gt "\${PULL_FAILURES:-0}" ]; exit ;;
  "exec -i iris iris session IRIS -U %SYS")
    input=$(cat)
    printf 'session input: %s\\n' "$input" >>"$CALLS"
    [ -n "$SESSION_RESULT" ] && printf '%s' "$SESSION_RESULT" >"$IRIS_BASE/iris/cspsystem.result"
    exit 0 ;;
esac
exit 1
`;

const STUB_SLEEP = `#!/bin/bash
printf 'sleep %s\\n' "$*" >>"$CALLS"
`;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
}

let dir: string;
let script: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iris-startup-'));
  for (const sub of ['bin', 'responses', 'attributes', 'base/iris', 'base/webgateway']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, 'bin', 'curl'), STUB_CURL, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), STUB_DOCKER, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'sleep'), STUB_SLEEP, { mode: 0o755 });
  linkPython3(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'calls'), '');
  fs.writeFileSync(path.join(dir, 'attributes', 'iris-csp-ini'), cspIniTemplate());
  script = path.join(dir, 'startup.sh');
  fs.writeFileSync(script, startupScript('primary', deployment));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Secret Manager answers, in order: [status, body]. */
function responses(...list: [number, unknown][]): void {
  list.forEach(([status, body], index) =>
    fs.writeFileSync(path.join(dir, 'responses', String(index + 1)), `${status}\n${JSON.stringify(body)}`),
  );
}

const secretBody = (value: string) => ({ name: 'v/1', payload: { data: Buffer.from(value).toString('base64') } });
const error = (code: number, status: string, message: string) => ({ error: { code, status, message } });

/** Sources the rendered script and runs `commands` in the same shell. */
function run(commands: string, env: Record<string, string> = {}): Result {
  const result = spawnSync('bash', ['-c', `source "$0"\n${commands}`, script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      IRIS_STARTUP_LIBRARY: '1',
      IRIS_BASE: path.join(dir, 'base'),
      CALLS: path.join(dir, 'calls'),
      RESPONSES: path.join(dir, 'responses'),
      ATTRIBUTES: path.join(dir, 'attributes'),
      WORK_DIR: dir,
      ...env,
    },
    timeout: 20_000,
  });
  return {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: fs.readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
  };
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const sleeps = (result: Result) => result.calls.filter((call) => call.startsWith('sleep '));

describe('startup.sh at first boot: secrets that are not readable yet', () => {
  test('license: 403, 404, FAILED_PRECONDITION, then the key; one line per attempt says what is missing and how to fix it', () => {
    responses(
      [403, error(403, 'PERMISSION_DENIED', "Permission 'secretmanager.versions.access' denied")],
      [404, error(404, 'NOT_FOUND', 'Secret Version [projects/1/secrets/iris-license/versions/latest] not found.')],
      [400, error(400, 'FAILED_PRECONDITION', 'Secret Version is in DESTROYED state.')],
      [200, secretBody('LICENSE KEY\n')],
    );
    const result = run(
      'with_retry "IRIS license" read_secret "$LICENSE_SECRET" "$WORK_DIR/key" "add the key: gcloud secrets versions add iris-license ..."',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'key'), 'utf8')).toBe('LICENSE KEY\n');
    expect(lines(result.stdout)).toEqual([
      "iris-startup: projects/example-project-123/secrets/iris-license: HTTP 403 (PERMISSION_DENIED - Permission 'secretmanager.versions.access' denied): " +
        "the VM's service account may not read it yet; IAM grants can take a few minutes to propagate after apply",
      'iris-startup: IRIS license: attempt 1 failed; trying again in 10s',
      'iris-startup: projects/example-project-123/secrets/iris-license: HTTP 404 (NOT_FOUND - Secret Version [projects/1/secrets/iris-license/versions/latest] not found.): ' +
        'it has no version yet; add the key: gcloud secrets versions add iris-license ...',
      'iris-startup: IRIS license: attempt 2 failed; trying again in 20s',
      'iris-startup: projects/example-project-123/secrets/iris-license: HTTP 400 (FAILED_PRECONDITION - Secret Version is in DESTROYED state.): ' +
        'its latest version is disabled or destroyed; add the key: gcloud secrets versions add iris-license ...',
      'iris-startup: IRIS license: attempt 3 failed; trying again in 40s',
    ]);
    expect(sleeps(result)).toEqual(['sleep 10', 'sleep 20', 'sleep 40']);
  });

  test('the access token reaches curl on stdin, never on its command line', () => {
    responses([200, secretBody('x')]);
    const result = run('read_secret "$LICENSE_SECRET" "$WORK_DIR/key" hint');
    expect(result.code).toBe(0);
    const argv = result.calls.filter((call) => call.startsWith('curl '));
    expect(argv.join('\n')).not.toContain('ya29.token');
    expect(result.calls).toContain('config: header = "Authorization: Bearer ya29.token"');
  });

  test('bounded: pauses of 10, 20, 40, 60, 60... until BOOT_RETRY_SECONDS, then it gives up and says so', () => {
    responses([403, error(403, 'PERMISSION_DENIED', 'denied')]);
    const result = run('with_retry "IRIS license" read_secret "$LICENSE_SECRET" "$WORK_DIR/key" hint', {
      IRIS_BOOT_RETRY_SECONDS: '190',
    });
    expect(result.code).toBe(1);
    expect(sleeps(result)).toEqual(['sleep 10', 'sleep 20', 'sleep 40', 'sleep 60', 'sleep 60']);
    expect(lines(result.stdout).at(-1)).toBe(
      'iris-startup: IRIS license: giving up after 6 attempts over 190s; fix the cause above, then reset this VM',
    );
  });

  test('the default bound is 15 minutes of pauses', () => {
    const result = run('echo "$BOOT_RETRY_SECONDS"');
    expect(result.stdout).toBe('900\n');
  });

  test('CSPSystem password: read into the shell, checked, the hint names Terraform for a missing version', () => {
    responses([404, error(404, 'NOT_FOUND', 'no version')], [200, secretBody(PASSWORD)]);
    const result = run('fetch_csp_password; printf "password=%s\\n" "$CSP_PASSWORD"');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('it has no version yet; Terraform adds it (google_secret_manager_secret_version)');
    expect(result.stdout).toContain(`password=${PASSWORD}\n`);
    expect(result.stdout.split(PASSWORD)).toHaveLength(2);
  });

  test('CSPSystem password with characters it should not have: refused', () => {
    responses([200, secretBody('a b"c')]);
    const result = run('fetch_csp_password');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('expected 8-32 letters and digits; not using it');
  });
});

describe('startup.sh at first boot: images not pushed yet', () => {
  test('pull retried with a fresh login each time, a line naming the images and the fix', () => {
    const result = run('pull_images', { PULL_FAILURES: '2' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.calls.filter((call) => call.startsWith('docker login'))).toHaveLength(3);
    expect(result.calls.filter((call) => call.endsWith('pull --quiet'))).toHaveLength(3);
    expect(result.calls).toContain('login password: ya29.token');
    expect(lines(result.stdout)).toEqual([
      'iris-startup: cannot pull registry/iris:1 registry/webgateway:1 from us-central1-docker.pkg.dev: push them ' +
        "(see the blueprint's Deploy steps), or wait for the VM account's roles/artifactregistry.reader to propagate",
      'iris-startup: pulling images: attempt 1 failed; trying again in 10s',
      'iris-startup: cannot pull registry/iris:1 registry/webgateway:1 from us-central1-docker.pkg.dev: push them ' +
        "(see the blueprint's Deploy steps), or wait for the VM account's roles/artifactregistry.reader to propagate",
      'iris-startup: pulling images: attempt 2 failed; trying again in 20s',
      'iris-startup: images pulled from us-central1-docker.pkg.dev',
    ]);
  });

  test('images already here (a later boot): no login, no pull', () => {
    const result = run('pull_images', { IMAGES_PRESENT: '1' });
    expect(result.code).toBe(0);
    expect(result.calls.filter((call) => /docker (login|.*pull)/.test(call))).toEqual([]);
  });
});

describe('startup.sh: the CSPSystem password in IRIS and in CSP.ini', () => {
  test('IRIS reads the password from stdin (read pw): it is on no command line', () => {
    const result = run(`CSP_PASSWORD=${PASSWORD}; set_cspsystem_password`, { SESSION_RESULT: 'OK' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const argv = result.calls.filter((call) => call.startsWith('docker '));
    expect(argv).toEqual(['docker exec -i iris iris session IRIS -U %SYS']);
    const input = result.calls.slice(result.calls.findIndex((call) => call.startsWith('session input: ')));
    expect(input.slice(0, 3)).toEqual([
      'session input: read pw',
      PASSWORD,
      'set p("Password")=pw,p("ChangePassword")=0,p("PasswordNeverExpires")=1,p("Enabled")=1',
    ]);
    expect(input.join('\n')).toContain('##class(Security.Users).Modify("CSPSystem",.p)');
    expect(result.stdout).toBe('iris-startup: CSPSystem password set in IRIS\n');
    expect(result.stdout).not.toContain(PASSWORD);
    expect(fs.readdirSync(path.join(dir, 'base', 'iris'))).toEqual([]);
  });

  test('IRIS reports an error: logged (without the password), the boot carries on and ends failed', () => {
    const result = run(`CSP_PASSWORD=${PASSWORD}; set_cspsystem_password; echo "failed: \${FAILED[*]}"`, {
      SESSION_RESULT: 'ERROR #845: User CSPSystem does not exist',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "could not set CSPSystem's password in IRIS (ERROR #845: User CSPSystem does not exist): the Web Gateway cannot log in",
    );
    expect(result.stdout).toContain('failed: CSPSystem password');
    expect(result.stdout).not.toContain(PASSWORD);
  });

  test('CSP.ini: the password right after Username=CSPSystem, the rest as the template', () => {
    const result = run(`CSP_PASSWORD=${PASSWORD}; render_csp_ini "$ATTRIBUTES/iris-csp-ini"`);
    expect(result.code).toBe(0);
    const template = cspIniTemplate();
    expect(result.stdout).toBe(
      `${template.replace('Username=CSPSystem\n', `Username=CSPSystem\nPassword=${PASSWORD}\n`)}`,
    );
  });

  // install -o root needs root.
  (process.getuid?.() === 0 ? test : test.skip)(
    'CSP.ini written once, 0600; unchanged on the next boot, so the gateway is not recreated',
    () => {
      const ini = path.join(dir, 'base', 'webgateway', 'CSP.ini');
      const first = run(`CSP_PASSWORD=${PASSWORD}; write_csp_ini && echo changed || echo same`);
      expect(first.stdout).toBe('changed\n');
      expect(fs.statSync(ini).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(ini, 'utf8')).toContain(`Username=CSPSystem\nPassword=${PASSWORD}\n`);
      const second = run(`CSP_PASSWORD=${PASSWORD}; write_csp_ini && echo changed || echo same`);
      expect(second.stdout).toBe('same\n');
      const rotated = run(`CSP_PASSWORD=Other123; write_csp_ini && echo changed || echo same`);
      expect(rotated.stdout).toBe('changed\n');
    },
  );

  test('CSP.ini template unreadable: status 2, the old file stays', () => {
    const ini = path.join(dir, 'base', 'webgateway', 'CSP.ini');
    fs.writeFileSync(ini, 'old');
    fs.rmSync(path.join(dir, 'attributes', 'iris-csp-ini'));
    const result = run(`CSP_PASSWORD=${PASSWORD}; write_csp_ini || echo "status $?"`);
    expect(result.stdout).toContain('status 2\n');
    expect(fs.readFileSync(ini, 'utf8')).toBe('old');
  });
});
