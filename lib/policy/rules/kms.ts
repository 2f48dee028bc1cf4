import { attribute, noPublicMembers, Rule } from './rule';

const MAX_KEY_ROTATION_SECONDS = 90 * 24 * 3600;

function durationSeconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}

/** Cloud KMS keys (CIS GCP 1.10). */
export const KMS_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_43',
    resourceTypes: ['google_kms_crypto_key'],
    check: (a) => {
      const seconds = durationSeconds(a.rotation_period);
      return seconds !== undefined && seconds >= 86400 && seconds <= MAX_KEY_ROTATION_SECONDS
        ? undefined
        : `the key does not rotate within 90 days (rotation_period ${JSON.stringify(a.rotation_period ?? null)})`;
    },
    fix: 'set rotation_period between "86400s" and "7776000s"',
  },
  {
    id: 'CKV_GCP_82',
    resourceTypes: ['google_kms_crypto_key'],
    check: (a) =>
      attribute(a, 'lifecycle.prevent_destroy') === true
        ? undefined
        : 'Terraform may destroy the key, and with it every secret encrypted under it',
    fix: 'set lifecycle { prevent_destroy = true } (cdktf: lifecycle: { preventDestroy: true })',
  },
  noPublicMembers(
    'CKV_GCP_112',
    ['google_kms_crypto_key_iam_member', 'google_kms_crypto_key_iam_binding'],
    'a KMS key',
  ),
  noPublicMembers('CKV2_GCP_8', ['google_kms_key_ring_iam_member', 'google_kms_key_ring_iam_binding'], 'a KMS key ring'),
];
