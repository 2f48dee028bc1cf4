import { ConfigError, formatProblem } from '../../lib/config/errors';
import { parseConfig } from '../../lib/config/load';

/** The problems a config text produces, formatted as synth prints them; [] when it is valid. */
export function configProblems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

/** `section` (YAML lines) indented under the last key of `base`, then checked. */
export function sectionProblems(base: string, section: string): string[] {
  return configProblems(base + section.replace(/^/gm, '  ') + '\n');
}
