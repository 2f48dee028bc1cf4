import { Rule } from './rule';

/** Memorystore for Redis. */
export const REDIS_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_95',
    resourceTypes: ['google_redis_instance'],
    check: (a) => (a.auth_enabled === true ? undefined : 'Redis AUTH is off: anyone on the network can read and write'),
    fix: 'set auth_enabled = true and give clients the instance auth_string',
  },
  {
    id: 'CKV_GCP_97',
    resourceTypes: ['google_redis_instance'],
    check: (a) =>
      a.transit_encryption_mode === 'SERVER_AUTHENTICATION'
        ? undefined
        : `traffic to Redis is not encrypted (transit_encryption_mode ${JSON.stringify(a.transit_encryption_mode ?? null)})`,
    fix: 'set transit_encryption_mode = "SERVER_AUTHENTICATION" and have clients trust server_ca_certs on port 6378',
  },
];
