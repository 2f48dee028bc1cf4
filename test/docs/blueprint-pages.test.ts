import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuiltApp, buildApp, exampleConfig, EXAMPLE_STACKS } from '../support/app';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stackOrder } = require('../../scripts/stack-order.js') as {
  stackOrder: (manifest: { stacks: Record<string, { dependencies: string[] }> }, names?: string[]) => string[];
};

/**
 * Each blueprint page (docs/blueprints/) against what synth produces: its sections, a diagram mermaid parses, the
 * deploy order of its stacks and the resource types it lists. The page format is in docs/blueprints/README.md.
 */
const ROOT = path.join(__dirname, '..', '..');
const PAGE_STACKS: Record<string, readonly string[]> = {
  'state-bootstrap': ['state-bootstrap'],
  'gke-playground': ['gke-playground'],
  'iris-mirror': ['iris-mirror'],
  skypilot: ['skypilot', 'skypilot-app'],
  'ilp-connector': ['ilp-connector', 'ilp-connector-app'],
  'cloudrun-mesh': ['cloudrun-mesh', 'cloudrun-mesh-k8s', 'cloudrun-mesh-services', 'cloudrun-mesh-routes'],
};
const SECTIONS = ['Architecture', 'Cost', 'Prerequisites', 'Deploy', 'Verify', 'Resources', 'Adopt what the seed created'];
const pageFile = (page: string) => path.join(ROOT, 'docs', 'blueprints', `${page}.md`);

/** The text of a level-2 section, up to the next one; undefined when the page has none of that title. */
function section(markdown: string, title: string): string | undefined {
  const start = markdown.search(new RegExp(`^## ${title}\\s*$`, 'm'));
  if (start < 0) return undefined;
  const rest = markdown.slice(start).split('\n').slice(1).join('\n');
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The stacks in the order `npx cdktf deploy <stack>` first names them in a section's code. */
function deployOrder(text: string): string[] {
  const order: string[] = [];
  for (const [, stack] of text.matchAll(/npx cdktf deploy ([a-z0-9-]+)/g)) if (!order.includes(stack)) order.push(stack);
  return order;
}

const RESOURCE_TYPE = /^(?:google|kubernetes|helm|random|time)_[a-z0-9_]+$/;

/** Resource types named in backticks in the Resources section, by the stack their row or heading line belongs to. */
function listedTypes(text: string, stacks: readonly string[]): Map<string, Set<string>> {
  const listed = new Map(stacks.map((stack) => [stack, new Set<string>()]));
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const heading = /^`([a-z0-9-]+)`:\s*$/.exec(line.trim());
    const rowStack = /^\|\s*`([a-z0-9-]+)`\s*\|/.exec(line);
    const named = heading?.[1] ?? rowStack?.[1];
    if (named !== undefined && stacks.includes(named)) current = named;
    if (current === undefined) continue;
    for (const [, code] of line.matchAll(/`([^`]+)`/g)) {
      for (const word of code.split(/[\s,/]+/)) {
        if (word.startsWith('data.')) continue;
        const type = word.split('.')[0];
        if (RESOURCE_TYPE.test(type)) listed.get(current)!.add(type);
      }
    }
  }
  return listed;
}

/** Resource types of each stack in a built app, synthesizing the stacks it has. */
function typesByStack(built: BuiltApp): Map<string, Set<string>> {
  return new Map(
    Object.keys(built.stacks).map((stack) => [stack, new Set(Object.keys(built.json(stack).resource ?? {}))]),
  );
}

/** Configs that create what the example leaves out, so a page may list those types too. */
function optionalTypes(): Map<string, Set<string>> {
  const example = exampleConfig();
  const variants = [
    exampleConfig({
      stateBootstrap: { kmsKeyName: 'projects/k/locations/us-central1/keyRings/r/cryptoKeys/state' },
      gkePlayground: {
        projectId: 'kube-playground-1',
        createProject: { billingAccount: '0123AB-4567CD-89EF01', folderId: '123456789012' },
      },
      irisMirror: {
        ...example.irisMirror,
        kmsKeyName: 'projects/k/locations/us-central1/keyRings/r/cryptoKeys/iris',
        deployerRole: true,
        vip: { alias: '10.0.0.250/32', public: true, publicSourceCidrs: ['203.0.113.0/24'] },
      },
      skypilot: { authMode: 'password' },
      cloudrunMesh: {
        ...example.cloudrunMesh,
        gateway: { ...example.cloudrunMesh!.gateway, external: false },
        workloads: example.cloudrunMesh!.workloads.map((w) => ({ ...w, sshAuthorizedKeySecret: 'ssh-key' })),
      },
    }),
  ];
  const union = new Map<string, Set<string>>();
  for (const config of variants) {
    const built = buildApp({ ...config, policy: { waivers: [] } });
    for (const [stack, types] of typesByStack(built)) union.set(stack, new Set([...(union.get(stack) ?? []), ...types]));
  }
  return union;
}

describe('blueprint pages', () => {
  const built = buildApp(exampleConfig());
  const emitted = typesByStack(built);
  const manifest = {
    stacks: Object.fromEntries(
      EXAMPLE_STACKS.map((name) => [name, { dependencies: built.stacks[name].dependencies.map((d) => d.node.id) }]),
    ),
  };
  const pages = Object.keys(PAGE_STACKS);

  test("there is a page for every stack the example synthesizes; the README's table links each, with its cost", () => {
    expect(Object.values(PAGE_STACKS).flat().sort()).toEqual([...EXAMPLE_STACKS].sort());
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const page of pages) {
      const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`(docs/blueprints/${page}.md)`));
      expect({ page, costed: /\$\d/.test(row ?? '') }).toEqual({ page, costed: true });
    }
  });

  test.each(pages)('%s: architecture, cost, prerequisites, deploy, verify and resources sections', (page) => {
    const markdown = fs.readFileSync(pageFile(page), 'utf8');
    expect(SECTIONS.filter((title) => section(markdown, title) === undefined)).toEqual([]);
    expect(section(markdown, 'Architecture')).toMatch(/^```mermaid$/m);
    expect(section(markdown, 'Prerequisites')).toMatch(/^\| *step *\| *command *\| *how to check it is done *\|/m);
    expect(section(markdown, 'Cost')).toMatch(/https:\/\/cloud\.google\.com\/[a-z-]+\/pricing/);
  });

  test.each(pages)('%s: deploy order follows the stacks manifest', (page) => {
    const markdown = fs.readFileSync(pageFile(page), 'utf8');
    const order = deployOrder(section(markdown, 'Deploy') ?? '').filter((stack) => PAGE_STACKS[page].includes(stack));
    expect(order).toEqual(stackOrder(manifest, [...PAGE_STACKS[page]]).filter((stack) => PAGE_STACKS[page].includes(stack)));
  });

  describe('resource types', () => {
    const optional = optionalTypes();
    test.each(pages)('%s: every type synth emits is listed, and every listed type is one its stack can emit', (page) => {
      const markdown = fs.readFileSync(pageFile(page), 'utf8');
      const listed = listedTypes(section(markdown, 'Resources') ?? '', PAGE_STACKS[page]);
      for (const stack of PAGE_STACKS[page]) {
        const mine = listed.get(stack)!;
        const missing = [...emitted.get(stack)!].filter((type) => !mine.has(type)).sort();
        const canEmit = new Set([...emitted.get(stack)!, ...(optional.get(stack) ?? [])]);
        const stale = [...mine].filter((type) => !canEmit.has(type)).sort();
        expect({ stack, missing, stale }).toEqual({ stack, missing: [], stale: [] });
      }
    });
  });

  test('the resource list reader takes stack rows and stack lines, and skips data sources', () => {
    const text = [
      '`a`:',
      '| resource | what |',
      '| `google_sql_user.*`, `random_password.*` | users |',
      '| `data.google_client_config.c` | token |',
      '| `b` | `kubernetes_role_v1` / `kubernetes_role_binding_v1` `x_*` | rbac |',
      '| | `helm_release.chart` | chart |',
    ].join('\n');
    const listed = listedTypes(text, ['a', 'b']);
    expect([...listed.get('a')!]).toEqual(['google_sql_user', 'random_password']);
    expect([...listed.get('b')!]).toEqual(['kubernetes_role_v1', 'kubernetes_role_binding_v1', 'helm_release']);
  });

  test('every diagram parses with mermaid, and a broken one is refused', () => {
    // One run for all: loading mermaid is most of its time, and it reports every file, broken or not, on its own line.
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mermaid-')), 'broken.md');
    try {
      fs.writeFileSync(broken, '# x\n\n```mermaid\nflowchart LR\n  a[A] -->|443 b[B]\n```\n');
      const files = pages.map(pageFile);
      const result = spawnSync(process.execPath, ['scripts/check-mermaid.mjs', broken, ...files], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      // Each line on stdout is a diagram that parsed; one per page, and none from the broken file.
      expect(result.stdout.trim().split('\n').map((line) => /^(.*):\d+: ok \S+$/.exec(line)?.[1])).toEqual(files);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/broken\.md:3: Parse error on line 2/)]);
      expect(result.status).toBe(1);
    } finally {
      fs.rmSync(path.dirname(broken), { recursive: true, force: true });
    }
  });
});
