import type { Case } from './case';

export const REDIS_CASES: Record<string, Case> = {
  CKV_GCP_95: {
    type: 'google_redis_instance',
    fails: { auth_enabled: false },
    passes: { auth_enabled: true },
  },
  CKV_GCP_97: {
    type: 'google_redis_instance',
    fails: { transit_encryption_mode: 'DISABLED' },
    passes: { transit_encryption_mode: 'SERVER_AUTHENTICATION' },
  },
};
