import type { Attrs, Case } from './case';

const SQL_INSTANCE = 'google_sql_database_instance';

/** A PostgreSQL instance whose only database flag is `name = value`, or none when value is undefined. */
const postgresWithFlag = (name: string, value: string | undefined): Attrs => ({
  database_version: 'POSTGRES_17',
  settings: { database_flags: value === undefined ? [] : [{ name, value }] },
});

/** Rule id, flag, a value the rule refuses (undefined: not written), a value it takes. */
const POSTGRES_FLAGS: readonly (readonly [string, string, string | undefined, string])[] = [
  ['CKV_GCP_51', 'log_checkpoints', 'off', 'on'],
  ['CKV_GCP_52', 'log_connections', 'off', 'on'],
  ['CKV_GCP_53', 'log_disconnections', 'off', 'on'],
  ['CKV_GCP_54', 'log_lock_waits', 'off', 'on'],
  ['CKV_GCP_55', 'log_min_messages', 'panic', 'notice'],
  ['CKV_GCP_56', 'log_temp_files', '-1', '0'],
  ['CKV_GCP_57', 'log_min_duration_statement', '0', '-1'],
  ['CKV_GCP_108', 'log_hostname', 'off', 'on'],
  ['CKV_GCP_109', 'log_min_error_statement', 'fatal', 'error'],
  ['CKV_GCP_110', 'cloudsql.enable_pgaudit', 'off', 'on'],
  ['CKV_GCP_111', 'log_statement', 'none', 'mod'],
  ['CKV2_GCP_13', 'log_duration', undefined, 'on'],
  // checkov passes an absent flag here (the PostgreSQL default is off); the baseline wants it written.
  ['CKV2_GCP_14', 'log_executor_stats', undefined, 'off'],
  ['CKV2_GCP_15', 'log_parser_stats', 'on', 'off'],
  ['CKV2_GCP_16', 'log_planner_stats', 'on', 'off'],
  ['CKV2_GCP_17', 'log_statement_stats', 'on', 'off'],
];

const POSTGRES_FLAG_CASES: Record<string, Case> = Object.fromEntries(
  POSTGRES_FLAGS.map(([id, flag, refused, taken]) => [
    id,
    { type: SQL_INSTANCE, fails: postgresWithFlag(flag, refused), passes: postgresWithFlag(flag, taken) },
  ]),
);

export const SQL_CASES: Record<string, Case> = {
  CKV_GCP_60: {
    type: SQL_INSTANCE,
    fails: { settings: { ip_configuration: { private_network: 'vpc' } } },
    passes: { settings: { ip_configuration: { ipv4_enabled: false, private_network: 'vpc' } } },
  },
  CKV_GCP_6: {
    type: SQL_INSTANCE,
    fails: { settings: { ip_configuration: { ssl_mode: 'ENCRYPTED_ONLY' } } },
    passes: { settings: { ip_configuration: { ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' } } },
  },
  CKV_GCP_14: {
    type: SQL_INSTANCE,
    fails: { settings: { backup_configuration: { enabled: false } } },
    passes: { settings: { backup_configuration: { enabled: true } } },
  },
  CKV_GCP_11: {
    type: SQL_INSTANCE,
    fails: { settings: { ip_configuration: { authorized_networks: [{ value: '0.0.0.0/0' }] } } },
    passes: { settings: { ip_configuration: { authorized_networks: [{ value: '198.51.100.0/24' }] } } },
  },
  ...POSTGRES_FLAG_CASES,
  // A MySQL instance is not the PostgreSQL flag rules' to judge.
  CKV_GCP_108: { ...POSTGRES_FLAG_CASES.CKV_GCP_108, passes: { database_version: 'MYSQL_8_0', settings: {} } },
};
