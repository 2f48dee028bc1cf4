import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../../lib/app/synthesize';
import { loadConfig } from '../../lib/config/load';
import { EXAMPLE_CONFIG } from '../support/app';

describe('synthesize', () => {
  test('an error thrown while building keeps a real stack, and stacks are formatted again afterwards', async () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synthesize-')), 'cdktf.out');
    const fail = (): never => {
      throw new Error('a construct refused its props');
    };
    let caught: Error | undefined;
    try {
      await synthesize(loadConfig(EXAMPLE_CONFIG), outdir, fail);
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.stack).toMatch(/^Error: a construct refused its props\n\s+at fail /);
    expect(new Error('later').stack).toMatch(/^Error: later\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
