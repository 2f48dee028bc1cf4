import { attribute, Attributes, Rule } from './rule';

const SQL_INSTANCE = 'google_sql_database_instance';

/** A PostgreSQL flag checkov wants written (CIS GCP 6.2). */
interface RequiredPostgresFlag {
  readonly id: string;
  readonly flag: string;
  /** What goes wrong without it, as a finding says it. */
  readonly problem: string;
  /** The value the fix writes. */
  readonly value: string;
  /** The values the rule takes, as checkov does. @default [value] */
  readonly accepted?: readonly string[];
  /** The accepted values in words. @default each of them, quoted */
  readonly wanted?: string;
  /** What the fix takes beyond the flag. */
  readonly andThen?: string;
}

/** PostgreSQL message levels, from the most verbose to error. */
const LEVELS = ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'info', 'notice', 'warning', 'error'];

/**
 * Unlike checkov, which passes CKV_GCP_55/56/57 and CKV2_GCP_14-17 when the flag is absent (the PostgreSQL default is
 * safe), every flag must be written: a default is not ours to pin.
 */
const REQUIRED_POSTGRES_FLAGS: readonly RequiredPostgresFlag[] = [
  { id: 'CKV_GCP_51', flag: 'log_checkpoints', problem: 'checkpoints are not logged', value: 'on' },
  { id: 'CKV_GCP_52', flag: 'log_connections', problem: 'connections are not logged', value: 'on' },
  { id: 'CKV_GCP_53', flag: 'log_disconnections', problem: 'disconnections are not logged', value: 'on' },
  { id: 'CKV_GCP_54', flag: 'log_lock_waits', problem: 'long lock waits are not logged', value: 'on' },
  {
    id: 'CKV_GCP_55',
    flag: 'log_min_messages',
    problem: 'warnings may not reach the log',
    value: 'warning',
    // Stricter than checkov, which takes any level: CIS GCP asks for warning or more verbose.
    accepted: LEVELS.slice(0, LEVELS.indexOf('warning') + 1),
    wanted: '"warning" or a more verbose level',
  },
  { id: 'CKV_GCP_56', flag: 'log_temp_files', problem: 'temporary files are not all logged', value: '0' },
  {
    id: 'CKV_GCP_57',
    flag: 'log_min_duration_statement',
    problem: 'slow statements may be logged with their text, which can hold secrets',
    value: '-1',
  },
  { id: 'CKV_GCP_108', flag: 'log_hostname', problem: 'client host names are not logged', value: 'on' },
  {
    id: 'CKV_GCP_109',
    flag: 'log_min_error_statement',
    problem: 'failing statements are not all logged',
    value: 'error',
    accepted: LEVELS,
    wanted: '"error" or a more verbose level',
  },
  {
    id: 'CKV_GCP_110',
    flag: 'cloudsql.enable_pgaudit',
    problem: 'pgAudit is off',
    value: 'on',
    andThen:
      'add settings.database_flags { name = "pgaudit.log", value = "ddl,role" }, ' +
      'then run CREATE EXTENSION pgaudit in each database',
  },
  {
    id: 'CKV_GCP_111',
    flag: 'log_statement',
    problem: 'statements are not logged',
    value: 'ddl',
    accepted: ['ddl', 'mod', 'all'],
  },
  { id: 'CKV2_GCP_13', flag: 'log_duration', problem: 'statement durations are not logged', value: 'on' },
  { id: 'CKV2_GCP_14', flag: 'log_executor_stats', problem: 'executor statistics may flood the log', value: 'off' },
  { id: 'CKV2_GCP_15', flag: 'log_parser_stats', problem: 'parser statistics may flood the log', value: 'off' },
  { id: 'CKV2_GCP_16', flag: 'log_planner_stats', problem: 'planner statistics may flood the log', value: 'off' },
  { id: 'CKV2_GCP_17', flag: 'log_statement_stats', problem: 'statement statistics may flood the log', value: 'off' },
];

function isPostgres(a: Attributes): boolean {
  return typeof a.database_version === 'string' && a.database_version.startsWith('POSTGRES_');
}

/** The value written for database flag `name`, if any. */
function databaseFlag(a: Attributes, name: string): unknown {
  const flags = attribute(a, 'settings.database_flags');
  return attribute((Array.isArray(flags) ? flags : []).find((f) => attribute(f, 'name') === name), 'value');
}

/** A rule that wants `flag` written with an accepted value on PostgreSQL instances; other engines are not its. */
function postgresFlagRule(required: RequiredPostgresFlag): Rule {
  const { id, flag, problem, value, accepted = [value], andThen } = required;
  const wanted = required.wanted ?? accepted.map((v) => JSON.stringify(v)).join(' or ');
  return {
    id,
    resourceTypes: [SQL_INSTANCE],
    check: (a) => {
      if (!isPostgres(a)) return undefined;
      const found = databaseFlag(a, flag);
      if (typeof found === 'string' && accepted.includes(found)) return undefined;
      const written = found === undefined ? 'not set' : JSON.stringify(found);
      return `${problem} (database flag ${flag} is ${written}; wanted ${wanted})`;
    },
    fix: `add settings.database_flags { name = "${flag}", value = "${value}" }${andThen ? `, ${andThen}` : ''}`,
  };
}

/** Cloud SQL instances (CIS GCP 6.x). */
export const SQL_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_60',
    resourceTypes: [SQL_INSTANCE],
    // Stricter than checkov, which passes when the attribute is absent although the provider default is true.
    check: (a) =>
      attribute(a, 'settings.ip_configuration.ipv4_enabled') === false
        ? undefined
        : 'the instance gets a public IP address (ipv4_enabled is not false; the provider default is true)',
    fix: 'set settings.ip_configuration { ipv4_enabled = false, private_network = <VPC> }',
  },
  {
    id: 'CKV_GCP_6',
    resourceTypes: [SQL_INSTANCE],
    check: (a) => {
      const mode = attribute(a, 'settings.ip_configuration.ssl_mode');
      return mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'
        ? undefined
        : `connections need not present a trusted client certificate (ssl_mode ${JSON.stringify(mode ?? null)})`;
    },
    fix: 'set settings.ip_configuration.ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" and connect through the Cloud SQL Auth Proxy or a connector',
  },
  {
    id: 'CKV_GCP_14',
    resourceTypes: [SQL_INSTANCE],
    check: (a) =>
      a.master_instance_name !== undefined || attribute(a, 'settings.backup_configuration.enabled') === true
        ? undefined
        : 'automated backups are off',
    fix: 'set settings.backup_configuration { enabled = true }',
  },
  {
    id: 'CKV_GCP_11',
    resourceTypes: [SQL_INSTANCE],
    check: (a) => {
      const networks = attribute(a, 'settings.ip_configuration.authorized_networks');
      const open = (Array.isArray(networks) ? networks : []).some(
        (n) => typeof attribute(n, 'value') === 'string' && /\/0$/.test(attribute(n, 'value') as string),
      );
      return open ? 'an authorized network admits any address' : undefined;
    },
    fix: 'remove the /0 entry from settings.ip_configuration.authorized_networks',
  },
  ...REQUIRED_POSTGRES_FLAGS.map(postgresFlagRule),
];
