import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The docs stand on their own: a link is to a file of this repository (and, with an anchor, to one of its headings)
 * or to a public URL, and no page points at notes that live outside the repository.
 */
const ROOT = path.join(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? markdownFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => file.endsWith('.md'));
}

const PAGES = [path.join(ROOT, 'README.md'), path.join(ROOT, 'config', 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];

/** Heading anchors as GitHub makes them: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const result = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** `page: link: what is wrong` for every link of `markdown` (the page's text) that leads nowhere in this repository. */
function brokenLinks(page: string, markdown = fs.readFileSync(page, 'utf8')): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  const problems: string[] = [];
  for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(link)) {
      if (!link.startsWith('https://')) problems.push(`${link}: only https links to public pages`);
      continue;
    }
    const [target, anchor] = link.split('#');
    const file = target === '' ? page : path.resolve(path.dirname(page), target);
    if (path.relative(ROOT, file).startsWith('..')) problems.push(`${link}: outside this repository`);
    else if (!fs.existsSync(file)) problems.push(`${link}: no such file`);
    else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) {
      problems.push(`${link}: no heading #${anchor} in ${path.relative(ROOT, file)}`);
    }
  }
  return problems.map((problem) => `${path.relative(ROOT, page)}: ${problem}`);
}

describe('docs', () => {
  test('there are pages to check', () => {
    expect(PAGES.map((page) => path.relative(ROOT, page))).toEqual(
      expect.arrayContaining(['README.md', 'config/README.md', 'docs/pipelines.md', 'docs/blueprints/cloudrun-mesh.md']),
    );
  });

  test.each(PAGES.map((page) => [path.relative(ROOT, page), page]))('%s: every link leads to this repository or a public page', (_, page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  test.each(PAGES.map((page) => [path.relative(ROOT, page), page]))('%s: names no file outside the repository', (_, page) => {
    const outside = fs
      .readFileSync(page, 'utf8')
      .split('\n')
      .filter((line) => /\.\.\/shared\b|\bshared\/reference\b|\/work\//.test(line));
    expect(outside).toEqual([]);
  });

  test('the checks catch a missing file, a missing heading, a path outside and plain http', () => {
    const page = path.join(ROOT, 'docs', 'blueprints', 'links-probe.md');
    const links = '[a](../../config/README.md#nosuchkey) [b](missing.md) [c](../../../shared/reference/krun.md) [d](http://example.com)';
    expect(brokenLinks(page, links)).toEqual([
      'docs/blueprints/links-probe.md: ../../config/README.md#nosuchkey: no heading #nosuchkey in config/README.md',
      'docs/blueprints/links-probe.md: missing.md: no such file',
      'docs/blueprints/links-probe.md: ../../../shared/reference/krun.md: outside this repository',
      'docs/blueprints/links-probe.md: http://example.com: only https links to public pages',
    ]);
    expect(brokenLinks(page, '[ok](../../config/README.md#cloudrunmesh) [up](../pipelines.md#github-actions)')).toEqual([]);
  });
});
