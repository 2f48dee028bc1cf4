import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

describe('provider imports', () => {
  test('app code imports provider classes by deep path only', () => {
    const files = ['main.ts', ...sourceFiles('lib'), ...sourceFiles('stacks'), ...sourceFiles('scripts')];
    const barrel = /from\s+['"]@cdktf\/provider-[a-z-]+(\/lib(\/(index|lazy-index))?)?['"]/;
    const offenders = files.filter((file) => barrel.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the lint rule rejects a barrel import', () => {
    // Through ESLint's CLI with the project's flat config, as `npm run lint` applies the rule.
    const eslint = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'lib/example.ts', '--format', 'json'],
      { cwd: ROOT, input: "export { ContainerCluster } from '@cdktf/provider-google';\n", encoding: 'utf8' },
    );
    const [result] = JSON.parse(eslint.stdout) as { messages: { ruleId: string }[] }[];
    expect(result.messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });
});
