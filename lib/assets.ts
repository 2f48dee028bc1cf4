import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file with a package.json (works bundled or from source). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

const ROOT = repositoryRoot();

/** Reads a file shipped to machines (scripts, programs, config), by its path from the repository root. */
export function readAsset(relativePath: string): string {
  return fs.readFileSync(path.join(ROOT, relativePath), 'utf8');
}

/**
 * Text that Terraform must take literally: `${` and `%{` start interpolations and directives in any Terraform
 * string, so a shell `${VAR}` must arrive as `$${VAR}`.
 */
export function terraformLiteral(text: string): string {
  // Replacement functions, because in a replacement string `$$` itself means one `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
