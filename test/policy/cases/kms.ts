import type { Case } from './case';

export const KMS_CASES: Record<string, Case> = {
  CKV_GCP_43: {
    type: 'google_kms_crypto_key',
    fails: { rotation_period: '31536000s' },
    passes: { rotation_period: '7776000s' },
  },
  CKV_GCP_82: {
    type: 'google_kms_crypto_key',
    fails: { rotation_period: '7776000s' },
    passes: { rotation_period: '7776000s', lifecycle: { prevent_destroy: true } },
  },
};
