import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The interpreter `python3` on PATH runs, resolved once. Where a version manager puts a shim first on PATH (pyenv's is
 * a bash script that runs pyenv itself), every start through it costs about 0.3 s more; the interpreter is the same.
 */
export const PYTHON3 = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

/** Puts `python3` in `binDir` (a stub folder first on a script's PATH), linked to the resolved interpreter. */
export function linkPython3(binDir: string): void {
  fs.symlinkSync(PYTHON3, path.join(binDir, 'python3'));
}
