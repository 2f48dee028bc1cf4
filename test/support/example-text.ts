import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * config/example.yaml as text, cut down for tests that hand a config file to a process. Kept apart from
 * test/support/app.ts, which loads cdktf and every stack: tests that only write a file need none of that.
 */
export const EXAMPLE_CONFIG = path.join(__dirname, '..', '..', 'config', 'example.yaml');

/** Blueprint sections of config/example.yaml that a config can switch off; stateBootstrap always stays on. */
const BLUEPRINT_SECTIONS = ['gkePlayground', 'irisMirror', 'skypilot', 'ilpConnector', 'cloudrunMesh'] as const;

/** The text of config/example.yaml with only `enabled` (and stateBootstrap) switched on: small configs for CLI tests. */
export function onlyBlueprints(enabled: readonly (typeof BLUEPRINT_SECTIONS)[number][]): string {
  let text = readFileSync(EXAMPLE_CONFIG, 'utf8');
  for (const section of BLUEPRINT_SECTIONS) {
    if (enabled.includes(section)) continue;
    const on = `${section}:\n  enabled: true`;
    if (!text.includes(on)) throw new Error(`config/example.yaml no longer has "${on}"`);
    text = text.replace(on, `${section}:\n  enabled: false`);
  }
  return text;
}
