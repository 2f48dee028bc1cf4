import { RULE_IDS } from '../../lib/policy/rules';
import { CHECKOV_CHECKS, CHECKOV_MANIFEST_CHECKS } from '../policy/checkov-checks';
import { securityRows, unaccountedChecks, verdictRule } from '../support/security-doc';

/** docs/security.md's table is the baseline's catalogue: every rule, and every checkov check we do not enforce, why. */
describe('docs/security.md', () => {
  const rows = securityRows();

  test('lists each check once, in one table', () => {
    const ids = rows.map((row) => row.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(ids.length).toBeGreaterThan(RULE_IDS.length);
  });

  test('every rule of the baseline has its row, marked rule', () => {
    const marked = rows.filter((row) => row.verdict === 'rule').map((row) => row.id);
    expect([...marked].sort()).toEqual([...RULE_IDS].sort());
  });

  test('a check covered by another rule names a rule that exists; any other row gives a reason', () => {
    for (const row of rows) {
      const rule = verdictRule(row);
      if (rule !== undefined) expect({ id: row.id, rule, exists: RULE_IDS.includes(rule) }).toEqual({ id: row.id, rule, exists: true });
      else expect({ id: row.id, reason: row.verdict.length >= 30 }).toEqual({ id: row.id, reason: true });
      expect({ id: row.id, what: row.what.length > 0 }).toEqual({ id: row.id, what: true });
    }
  });

  test('a checkov id on the page is one checkov has', () => {
    const known = new Set([...CHECKOV_CHECKS, ...CHECKOV_MANIFEST_CHECKS].map((check) => check.id));
    const checkovRows = rows.filter((row) => row.id.startsWith('CKV'));
    expect(checkovRows.filter((row) => !known.has(row.id)).map((row) => row.id)).toEqual([]);
  });

  test('the parity check finds a check that reads an emitted type and has no row', () => {
    expect(unaccountedChecks(new Set(['google_storage_bucket']), [])).toContain('CKV_GCP_62 (google_storage_bucket)');
    expect(unaccountedChecks(new Set(['google_storage_bucket']))).toEqual([]);
  });
});
