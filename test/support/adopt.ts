import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { TerraformJson } from './app';

const PAGES = path.join(__dirname, '..', '..', 'docs', 'blueprints');
/** The section of a blueprint page that says what `adoptExisting` takes over. */
export const ADOPT_SECTION = 'Adopt what the seed created';

/** A stack's import blocks: Terraform address -> import id. */
export function importsOf(json: TerraformJson): Record<string, string> {
  return Object.fromEntries((json.import ?? []).map((block) => [block.to, block.id]));
}

/** The text of a page's adoption section, up to the next level-2 heading. */
export function adoptionSection(page: string): string {
  const markdown = fs.readFileSync(path.join(PAGES, `${page}.md`), 'utf8');
  const start = markdown.search(new RegExp(`^## ${ADOPT_SECTION}\\s*$`, 'm'));
  if (start < 0) throw new Error(`docs/blueprints/${page}.md has no "## ${ADOPT_SECTION}" section`);
  const rest = markdown.slice(start).split('\n').slice(1).join('\n');
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The config the page shows for someone who followed the seed: its one ```yaml block, config sections by name (each
 * with adoptExisting: true and the seed's names), for `exampleConfig` to merge.
 */
export function seedNamesConfig(page: string): Record<string, Record<string, unknown>> {
  const blocks = [...adoptionSection(page).matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length !== 1) throw new Error(`docs/blueprints/${page}.md: expected one yaml block in "${ADOPT_SECTION}"`);
  return parse(blocks[0]) as Record<string, Record<string, unknown>>;
}
