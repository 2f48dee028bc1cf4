import { Aspects, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { formatViolation, SecurityBaseline } from '../../lib/policy/baseline';
import { RULES } from '../../lib/policy/rules';
import { testApp } from '../support/app';
import type { Attrs } from './cases/case';
import { CASES } from './cases';

/** Synthesizes one resource of `type` with `attrs` and returns the rule ids the baseline reports on it. */
function findings(type: string, attrs: Attrs, baseline = new SecurityBaseline()): string[] {
  const stack = new TerraformStack(testApp(), 'gke-playground');
  const resource = new TerraformResource(stack, 'subject', { terraformResourceType: type });
  for (const [key, value] of Object.entries(attrs)) resource.addOverride(key, value);
  Aspects.of(stack).add(baseline);
  Testing.synth(stack);
  return [...baseline.violations, ...baseline.waived].map((f) => f.ruleId);
}

describe('security baseline rules', () => {
  test('every rule has a failing and a passing case', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const { type, fails, passes } = CASES[id];
    expect(rule.resourceTypes).toContain(type);
    expect(findings(type, fails)).toContain(id);
    expect(findings(CASES[id].passesAs ?? type, passes)).not.toContain(id);
  });

  test('a node rule checks the default pool of a cluster that keeps it', () => {
    expect(findings('google_container_cluster', {})).toContain('AVD-GCP-0050');
    expect(findings('google_container_cluster', { remove_default_node_pool: true })).not.toContain('AVD-GCP-0050');
    expect(findings('google_container_cluster', { remove_default_node_pool: true, node_config: {} })).toContain(
      'AVD-GCP-0050',
    );
  });

  test('a bucket that receives another bucket\'s access logs need not log its own access (CKV_GCP_62)', () => {
    const baseline = new SecurityBaseline();
    const stack = new TerraformStack(testApp(), 'state-bootstrap');
    const logs = new TerraformResource(stack, 'logs', { terraformResourceType: 'google_storage_bucket' });
    logs.addOverride('name', 'state-access-logs');
    const state = new TerraformResource(stack, 'state', { terraformResourceType: 'google_storage_bucket' });
    state.addOverride('name', 'state');
    state.addOverride('logging', { log_bucket: '${google_storage_bucket.logs.name}' });
    const unrelated = new TerraformResource(stack, 'other', { terraformResourceType: 'google_storage_bucket' });
    unrelated.addOverride('name', 'other');
    Aspects.of(stack).add(baseline);
    Testing.synth(stack);
    const logging = baseline.violations.filter((f) => f.ruleId === 'CKV_GCP_62').map((f) => f.address);
    expect(logging).toEqual(['google_storage_bucket.other']);
  });

  test('a violation says where, which rule, what is wrong and how to fix or waive it', () => {
    const baseline = new SecurityBaseline();
    const compliantButVersioning = {
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      logging: { log_bucket: 'logs' },
    };
    findings('google_storage_bucket', compliantButVersioning, baseline);
    expect(baseline.violations.map(formatViolation)).toEqual([
      'gke-playground/google_storage_bucket.subject: CKV_GCP_78 object versioning is not enabled; ' +
        'set versioning { enabled = true }, or waive it in config under policy.waivers: ' +
        '{ rule: CKV_GCP_78, stack: gke-playground, resource: google_storage_bucket.subject, reason: "<why>" }',
    ]);
  });

  test('a waiver moves a finding from violations to waived, with its reason', () => {
    const reason = 'throwaway bucket for a demo';
    const baseline = new SecurityBaseline([
      { rule: 'CKV_GCP_29', stack: 'gke-playground', resource: 'google_storage_bucket.subject', reason },
      { rule: 'CKV_GCP_78', stack: 'gke-playground', reason },
      { rule: 'CKV_GCP_114', stack: 'state-bootstrap', reason },
    ]);
    findings('google_storage_bucket', { logging: { log_bucket: 'logs' } }, baseline);
    expect(baseline.violations.map((f) => f.ruleId)).toEqual(['CKV_GCP_114']);
    expect(baseline.waived.map((f) => [f.ruleId, f.reason])).toEqual([
      ['CKV_GCP_29', reason],
      ['CKV_GCP_78', reason],
    ]);
    expect(baseline.unusedWaivers(['gke-playground', 'state-bootstrap']).map((w) => w.rule)).toEqual(['CKV_GCP_114']);
  });

  test('a waiver for another resource does not apply', () => {
    const baseline = new SecurityBaseline([
      { rule: 'CKV_GCP_29', stack: 'gke-playground', resource: 'google_storage_bucket.other', reason: 'not this one' },
    ]);
    findings('google_storage_bucket', {}, baseline);
    expect(baseline.violations.map((f) => f.ruleId)).toContain('CKV_GCP_29');
  });
});
