// Parses every ```mermaid block of the Markdown files given with mermaid's own parser, as GitHub and GitLab would
// before rendering. One line per diagram on stdout (`file:line: ok <type>`), one per broken one on stderr
// (`file:line: <parser message>`), exit code 1 if any is broken or a file has none. Every file is checked either way,
// so one run tells which of them are broken.
//
//   node scripts/check-mermaid.mjs <file.md> ...
import { readFileSync } from 'node:fs';
import './mermaid-no-dom.mjs';
import mermaid from 'mermaid';

/** Each ```mermaid block of a Markdown text, with the line its fence opens on. */
function diagrams(markdown) {
  const found = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```mermaid') continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    found.push({ line: start + 1, text: body.join('\n') });
  }
  return found;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const found = diagrams(readFileSync(file, 'utf8'));
  if (found.length === 0) {
    console.error(`${file}: no mermaid diagram`);
    failed = true;
  }
  for (const { line, text } of found) {
    try {
      const { diagramType } = await mermaid.parse(text);
      console.log(`${file}:${line}: ok ${diagramType}`);
    } catch (error) {
      console.error(`${file}:${line}: ${String(error.message ?? error).split('\n').join(' ')}`);
      failed = true;
    }
  }
}
process.exitCode = failed ? 1 : 0;
