import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'stack-order.js');

type Manifest = { stacks: Record<string, { dependencies?: string[] }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stackOrder, stackDependencies } = require(SCRIPT) as {
  stackOrder: (manifest: Manifest, names?: string[]) => string[];
  stackDependencies: (manifest: Manifest, names?: string[]) => [string, string[]][];
};

/** A manifest as cdktf writes it, from `name: dependencies` in manifest order. */
function manifest(stacks: Record<string, string[]>): Manifest {
  return {
    stacks: Object.fromEntries(
      Object.entries(stacks).map(([name, dependencies]) => [
        name,
        { name, constructPath: name, workingDirectory: `stacks/${name}`, annotations: [], dependencies },
      ]),
    ),
  };
}

/** The stacks of config/example.yaml as `npm run synth` lists them (sorted by name). */
const EXAMPLE = manifest({
  'cloudrun-mesh': [],
  'cloudrun-mesh-k8s': ['cloudrun-mesh'],
  'cloudrun-mesh-routes': ['cloudrun-mesh-services'],
  'cloudrun-mesh-services': ['cloudrun-mesh-k8s'],
  'gke-playground': [],
  'ilp-connector': [],
  'ilp-connector-app': ['ilp-connector'],
  'iris-mirror': [],
  skypilot: [],
  'skypilot-app': ['skypilot'],
  'state-bootstrap': [],
});

/** The example's stacks in the order to run them: cloudrun-mesh-routes after cloudrun-mesh-services. */
const EXAMPLE_ORDER = [
  'cloudrun-mesh',
  'cloudrun-mesh-k8s',
  'cloudrun-mesh-services',
  'cloudrun-mesh-routes',
  ...Object.keys(EXAMPLE.stacks).filter((name) => !name.startsWith('cloudrun-mesh')),
];

describe('stackOrder', () => {
  test('the example: every stack after its dependency, the rest in manifest order', () => {
    expect(stackOrder(EXAMPLE)).toEqual(EXAMPLE_ORDER);
  });

  test('a stack listed before its dependencies moves after them; independent stacks keep manifest order', () => {
    const order = stackOrder(manifest({ 'a-app': ['z', 'y'], b: [], z: ['y'], y: [], c: [] }));
    // Each step takes the first stack in manifest order whose dependencies are all placed.
    expect(order).toEqual(['b', 'y', 'z', 'a-app', 'c']);
  });

  test('a manifest already in order is returned as it is, whatever the order of independent stacks', () => {
    const names = ['q', 'b', 'x', 'a'];
    expect(stackOrder(manifest(Object.fromEntries(names.map((n) => [n, []]))))).toEqual(names);
  });

  test('stacks without a dependencies key depend on nothing', () => {
    expect(stackOrder({ stacks: { b: {}, a: { dependencies: ['b'] } } })).toEqual(['b', 'a']);
  });

  test('named stacks: only those and what they depend on, transitively, still in order', () => {
    const chain = manifest({ app: ['infra'], infra: ['network'], network: [], other: [], extra: ['other'] });
    expect(stackOrder(chain, ['app'])).toEqual(['network', 'infra', 'app']);
    expect(stackOrder(EXAMPLE, ['skypilot-app', 'iris-mirror', 'skypilot-app'])).toEqual([
      'iris-mirror',
      'skypilot',
      'skypilot-app',
    ]);
    expect(stackOrder(EXAMPLE, ['skypilot'])).toEqual(['skypilot']);
  });

  test('a dependency cycle names the stacks in it', () => {
    expect(() => stackOrder(manifest({ ok: [], a: ['b'], b: ['c'], c: ['a'] }))).toThrow('dependency cycle: a -> b -> c -> a');
    // A stack that only depends on the cycle is not part of it.
    expect(() => stackOrder(manifest({ x: ['a'], a: ['b'], b: ['a'] }))).toThrow(/^dependency cycle: a -> b -> a$/);
    expect(() => stackOrder(manifest({ self: ['self'] }))).toThrow('dependency cycle: self -> self');
  });

  test('a dependency on a stack that is not in the manifest', () => {
    expect(() => stackOrder(manifest({ 'skypilot-app': ['skypilot'] }))).toThrow(
      'stack "skypilot-app" depends on "skypilot", which is not in the manifest',
    );
  });

  test('an unknown stack name lists the known ones', () => {
    expect(() => stackOrder(manifest({ a: [], b: ['a'] }), ['b', 'nope', 'nix'])).toThrow(
      'unknown stack "nope", "nix"; the manifest has: a, b',
    );
  });

  test('something that is not a manifest', () => {
    expect(() => stackOrder({} as Manifest)).toThrow('the manifest has no "stacks" object');
  });
});

describe('stackDependencies', () => {
  test('every stack in order, each with all it depends on, directly or not, in that order', () => {
    const diamond = manifest({ app: ['db', 'cluster'], cluster: ['network'], db: ['network'], network: [], other: [] });
    expect(stackDependencies(diamond)).toEqual([
      ['network', []],
      ['cluster', ['network']],
      ['db', ['network']],
      ['app', ['network', 'cluster', 'db']],
      ['other', []],
    ]);
    // The same as stackOrder with one stack's name, less the stack itself.
    for (const [name, deps] of stackDependencies(diamond)) expect([...deps, name]).toEqual(stackOrder(diamond, [name]));
  });

  test('named stacks: those and what they depend on, as stackOrder restricts them', () => {
    expect(stackDependencies(EXAMPLE, ['skypilot-app', 'iris-mirror'])).toEqual([
      ['iris-mirror', []],
      ['skypilot', []],
      ['skypilot-app', ['skypilot']],
    ]);
  });

  test('the errors of stackOrder', () => {
    expect(() => stackDependencies(manifest({ a: ['b'], b: ['a'] }))).toThrow('dependency cycle: a -> b -> a');
    expect(() => stackDependencies(EXAMPLE, ['nope'])).toThrow('unknown stack "nope"');
  });
});

describe('node scripts/stack-order.js', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-order-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', ...EXAMPLE }));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], cwd = ROOT) {
    const result = spawnSync(process.execPath, [SCRIPT, ...args], { cwd, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('prints one stack a line; with stack names, those and their dependencies', () => {
    expect(run([dir])).toEqual({ code: 0, stdout: `${EXAMPLE_ORDER.join('\n')}\n`, stderr: '' });
    expect(run([dir, 'cloudrun-mesh-k8s'])).toEqual({ code: 0, stdout: 'cloudrun-mesh\ncloudrun-mesh-k8s\n', stderr: '' });
  });

  test('--dependencies: one line a stack, then every stack it depends on, directly or not, space-separated', () => {
    const lines = [
      'cloudrun-mesh',
      'cloudrun-mesh-k8s cloudrun-mesh',
      // The manifest lists only cloudrun-mesh-k8s for it, and only cloudrun-mesh-services for the routes.
      'cloudrun-mesh-services cloudrun-mesh cloudrun-mesh-k8s',
      'cloudrun-mesh-routes cloudrun-mesh cloudrun-mesh-k8s cloudrun-mesh-services',
      'gke-playground',
      'ilp-connector',
      'ilp-connector-app ilp-connector',
      'iris-mirror',
      'skypilot',
      'skypilot-app skypilot',
      'state-bootstrap',
    ];
    expect(run(['--dependencies', dir])).toEqual({ code: 0, stdout: `${lines.join('\n')}\n`, stderr: '' });
    // Anywhere among the arguments, with stack names too.
    expect(run([dir, 'cloudrun-mesh-routes', '--dependencies'])).toEqual({
      code: 0,
      stdout: `${lines.slice(0, 4).join('\n')}\n`,
      stderr: '',
    });
  });

  test('an unknown option names the options there are, with exit code 1', () => {
    const usage = 'usage: node scripts/stack-order.js [--dependencies] [outdir] [stack ...]   (outdir defaults to cdktf.out)';
    for (const option of ['--deps', '--dependencies=all', '-d']) {
      expect(run(['--dependencies', option, dir])).toEqual({
        code: 1,
        stdout: '',
        stderr: `stack-order: unknown option ${option}; the options are --dependencies, --help, -h; ${usage}\n`,
      });
    }
    expect(run(['--help'])).toEqual({ code: 0, stdout: `${usage}\n`, stderr: '' });
    expect(run(['-h', dir])).toEqual({ code: 0, stdout: `${usage}\n`, stderr: '' });
  });

  test('errors are one line on stderr with exit code 1', () => {
    expect(run([dir, 'skypilot-ap'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'stack-order: unknown stack "skypilot-ap"; the manifest has: cloudrun-mesh, cloudrun-mesh-k8s, cloudrun-mesh-routes, ' +
        'cloudrun-mesh-services, gke-playground, ilp-connector, ilp-connector-app, iris-mirror, skypilot, skypilot-app, ' +
        'state-bootstrap\n',
    });
    // Without a directory it reads ./cdktf.out/manifest.json; the hint names the directory it took, options aside.
    const hint = (outdir: string) =>
      `stack-order: ${outdir}/manifest.json not found; run npm run synth first (no directory ${outdir}: the first ` +
      'argument that is not an option is the synth output directory, then stack names)\n';
    expect(run(['--dependencies'], dir)).toEqual({ code: 1, stdout: '', stderr: hint('cdktf.out') });
    expect(run(['--dependencies', 'skypilot-app', dir], dir)).toEqual({ code: 1, stdout: '', stderr: hint('skypilot-app') });
    // A directory without a manifest needs no hint.
    expect(run([ROOT])).toEqual({
      code: 1,
      stdout: '',
      stderr: `stack-order: ${ROOT}/manifest.json not found; run npm run synth first\n`,
    });
  });
});
