import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CHECKOV_CHECKS } from '../policy/checkov-checks';

export const SECURITY_PAGE = path.join(__dirname, '..', '..', 'docs', 'security.md');

/** One row of the page's table: a check id, what it checks, and `rule`, `covered by <ID>` or the reason it is not. */
export interface SecurityRow {
  readonly id: string;
  readonly what: string;
  readonly verdict: string;
}

const ID_CELL = /^`?((?:CKV2?_[A-Z0-9]+|AVD-GCP|RUN|GKE)[-_][A-Z0-9_-]+)`?$/;

/** The rows of the table in docs/security.md, in page order. */
export function securityRows(markdown = readFileSync(SECURITY_PAGE, 'utf8')): SecurityRow[] {
  return markdown.split('\n').flatMap((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length !== 5 || cells[0] !== '' || cells[4] !== '') return [];
    const id = ID_CELL.exec(cells[1])?.[1];
    return id ? [{ id, what: cells[2], verdict: cells[3] }] : [];
  });
}

/** The rule a verdict names: `rule` for the row's own id, or the rule it is `covered by`. */
export function verdictRule(row: SecurityRow): string | undefined {
  if (row.verdict === 'rule') return row.id;
  return /^covered by `([^`]+)`/.exec(row.verdict)?.[1];
}

/** The checkov checks that read one of `resourceTypes` and have no row on the page. */
export function unaccountedChecks(resourceTypes: ReadonlySet<string>, rows = securityRows()): string[] {
  const listed = new Set(rows.map((row) => row.id));
  return CHECKOV_CHECKS.filter((check) => check.resourceTypes.some((type) => resourceTypes.has(type)))
    .filter((check) => !listed.has(check.id))
    .map((check) => `${check.id} (${check.resourceTypes.filter((type) => resourceTypes.has(type)).join(', ')})`);
}
