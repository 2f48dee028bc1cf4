import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { EXAMPLE_CONFIG } from '../support/app';
import { configProblems } from '../support/config';

const VALID = `projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
`;

/** A README as someone might pass it with --config by mistake. */
const README = `# gcp-blueprints

\`npm run synth\` turns a config into Terraform: typed, validated YAML config in,
plain Terraform configurations out, one set of stacks per deployment.

| blueprint | stacks |
|---|---|
| GKE playground | \`gke-playground\` |

## Usage

\`\`\`sh
npm ci
npm run synth -- --config config/example.yaml
\`\`\`
`;

/** Nine levels of nine aliases: 9^9 values once expanded. */
function aliasBomb(): string {
  let text = 'projectId: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('YAML errors', () => {
  test('a file that is not YAML (a Markdown README) is one problem, without echoing it', () => {
    expect(configProblems(README)).toEqual([
      '(file): is not a YAML config: it reads like Markdown (9 of 9 lines are not YAML); pass a config such as config/example.yaml',
    ]);
  });

  test('--config README.md: the repository README is one problem too', () => {
    const error = thrown(() => loadConfig(join(__dirname, '../../README.md')));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(
      /^.*README\.md: 1 problem; nothing was synthesized\n {2}\(file\): is not a YAML config: it reads like Markdown \(\d+ of \d+ lines are not YAML\); pass a config such as config\/example\.yaml$/,
    );
  });

  test('one tab: the tab first, at most 3 errors with line:column and the line, then a count', () => {
    const text = `${VALID}gkePlayground:
  zone: us-central1-a
cloudrunMesh:
  workloads:
\t- name: cloudrun
      namespace: fortio
      image: fortio/fortio
  routes:
    - name: mesh
`;
    expect(configProblems(text)).toEqual([
      '(file): invalid YAML at line 9, column 1: tabs are not allowed as indentation; indent with spaces (got "\\t- name: cloudrun")',
      '(file): invalid YAML at line 8, column 13: a block sequence may not be used as an implicit map key (got "  workloads:")',
      '(file): invalid YAML at line 10, column 18: nested mappings are not allowed in compact mappings (got "      namespace: fortio")',
      '(file): and 1 more YAML error, often caused by the first; fix it and run again',
    ]);
  });

  test('tabs on two lines: never more than 3 errors and a count, the first tab first', () => {
    const lines = configProblems(`${VALID}skypilot:\n\tenabled: true\n  cluster:\n    zone: us-central1-a\n  web:\n\tusername: x\n`);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toBe(
      '(file): invalid YAML at line 6, column 1: tabs are not allowed as indentation; indent with spaces (got "\\tenabled: true")',
    );
  });

  test('an unclosed [ is reported where it opened', () => {
    expect(configProblems(`${VALID}labels: [team, web\nregion2: x\n`)).toEqual([
      '(file): invalid YAML at line 5, column 9: the "[" opened here is never closed with "]" (got "labels: [team, web")',
    ]);
    expect(configProblems('projectId: [unclosed\nregion: us-central1\n')).toEqual([
      '(file): invalid YAML at line 1, column 12: the "[" opened here is never closed with "]" (got "projectId: [unclosed")',
    ]);
  });

  test('an unclosed { too, and one at the end of the file', () => {
    expect(configProblems(`${VALID}labels: {team: web\n`)).toEqual([
      '(file): invalid YAML at line 5, column 9: the "{" opened here is never closed with "}" (got "labels: {team: web")',
    ]);
    expect(configProblems('a: 1\nb: [\n')).toEqual([
      '(file): invalid YAML at line 2, column 4: the "[" opened here is never closed with "]" (got "b: [")',
    ]);
  });

  test('the offending line is masked when it looks like a credential', () => {
    expect(configProblems(`${VALID}gkePlayground:\n  zone: us-central1-a\n\tpassword: hunter2hunter2\n`)).toEqual([
      '(file): invalid YAML at line 7, column 1: tabs are not allowed as indentation; indent with spaces (got a value that looks like a password: not shown; keep secrets in Secret Manager, not in config)',
    ]);
  });

  test('a long offending line is cut, never more than the line', () => {
    const [line] = configProblems(`${VALID}labels: [${'x, '.repeat(100)}\n`);
    expect(line).toBe(
      `(file): invalid YAML at line 5, column 9: the "[" opened here is never closed with "]" (got "labels: [${'x, '.repeat(22)}x...)`,
    );
  });

  test('an alias bomb is a ConfigError naming the file', () => {
    const error = thrown(() => parseConfig(aliasBomb(), 'bomb.yaml'));
    expect(error.message).toBe(
      'bomb.yaml: 1 problem; nothing was synthesized\n' +
        '  (file): invalid YAML: its aliases (*name) expand to too many values, as in an alias bomb; expand them by hand',
    );
  });

  test('an alias bomb read from a file names that file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'yaml-errors-')), 'bomb.yaml');
    writeFileSync(file, aliasBomb());
    expect(thrown(() => loadConfig(file)).file).toBe(file);
  });

  test('a few aliases are fine', () => {
    expect(configProblems(`${VALID}gkePlayground: &pg\n  zone: us-central1-a\nlabels: {team: web}\n`)).toEqual([]);
  });

  test('a tab used as indentation is one problem, not the misaligned lines after it', () => {
    const example = readFileSync(EXAMPLE_CONFIG, 'utf8');
    expect(configProblems(example.replace('  clusterName: cluster-1\n', '\tclusterName: cluster-1\n'))).toEqual([
      expect.stringMatching(/^\(file\): invalid YAML at line \d+, column 1: tabs are not allowed as indentation; indent with spaces/),
    ]);
  });

  test('a broken line holding `password: ...` is not quoted back', () => {
    const example = readFileSync(EXAMPLE_CONFIG, 'utf8');
    const text = example.replace(/^skypilot:\n  enabled: true\n/m, 'skypilot:\n  enabled: true\n  web:\n    username: admin password: hunter2hunter2\n');
    const problems = configProblems(text);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems[0]).toMatch(/got a value that looks like a password: not shown/);
  });
});
