import type { Case } from './case';

export const SQL_CASES: Record<string, Case> = {
  CKV_GCP_60: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { private_network: 'vpc' } } },
    passes: { settings: { ip_configuration: { ipv4_enabled: false, private_network: 'vpc' } } },
  },
  CKV_GCP_6: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { ssl_mode: 'ENCRYPTED_ONLY' } } },
    passes: { settings: { ip_configuration: { ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' } } },
  },
  CKV_GCP_14: {
    type: 'google_sql_database_instance',
    fails: { settings: { backup_configuration: { enabled: false } } },
    passes: { settings: { backup_configuration: { enabled: true } } },
  },
  CKV_GCP_11: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { authorized_networks: [{ value: '0.0.0.0/0' }] } } },
    passes: { settings: { ip_configuration: { authorized_networks: [{ value: '198.51.100.0/24' }] } } },
  },
};
