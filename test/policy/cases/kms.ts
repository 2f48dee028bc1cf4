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
  CKV_GCP_112: {
    type: 'google_kms_crypto_key_iam_member',
    fails: { crypto_key_id: 'k', role: 'roles/cloudkms.cryptoKeyDecrypter', member: 'allAuthenticatedUsers' },
    passes: { crypto_key_id: 'k', role: 'roles/cloudkms.cryptoKeyDecrypter', member: 'serviceAccount:app@p.iam.gserviceaccount.com' },
  },
  CKV2_GCP_8: {
    type: 'google_kms_key_ring_iam_binding',
    fails: { key_ring_id: 'r', role: 'roles/cloudkms.viewer', members: ['group:ops@example.com', 'allUsers'] },
    passes: { key_ring_id: 'r', role: 'roles/cloudkms.viewer', members: ['group:ops@example.com'] },
  },
};
