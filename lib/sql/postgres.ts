import { ITerraformDependable } from 'cdktf';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Construct } from 'constructs';

export interface PostgresInstanceProps {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  /** Zone of the primary; put it next to its clients. @default Cloud SQL picks one */
  readonly zone?: string;
  /** POSTGRES_14 .. POSTGRES_18. */
  readonly version: string;
  /** @default ENTERPRISE */
  readonly edition?: 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  /** @default db-custom-1-3840 */
  readonly tier?: string;
  /** REGIONAL adds a standby in another zone. @default ZONAL */
  readonly availability?: 'ZONAL' | 'REGIONAL';
  /**
   * Size at creation. Storage autoresize grows it afterwards, and Terraform ignores later changes of this value: a
   * size below the grown disk would replace the instance (resize a live instance with gcloud or the console).
   * @default 10
   */
  readonly diskSizeGb?: number;
  /** Id of the VPC; the instance gets a private address there and no public one (CKV_GCP_60). */
  readonly privateNetwork: string;
  /** The private services access connection of that VPC: the instance cannot be created before it. */
  readonly privateServicesAccess: ITerraformDependable;
  /** @default { startTime: '03:00', retainedBackups: 7, pointInTimeRecoveryDays: 7 } (CKV_GCP_14) */
  readonly backups?: { readonly startTime: string; readonly retainedBackups: number; readonly pointInTimeRecoveryDays: number };
  /**
   * Let IAM principals log in as database users (`cloudsql.iam_authentication=on`); off by default in Cloud SQL.
   * @default false
   */
  readonly iamAuthentication?: boolean;
  /** Database flags beyond the log and audit flags (POSTGRES_LOG_FLAGS), such as `max_connections`. @default none */
  readonly flags?: Readonly<Record<string, string>>;
  /** Password of the built-in `postgres` user. @default none: nobody can log in as postgres */
  readonly postgresPassword?: string;
  /**
   * Refuse deletion, both in Terraform and in the Cloud SQL API.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * PostgreSQL flags for what CIS GCP 6.2 asks the server to log (checkov CKV_GCP_51-57/108-111 and CKV2_GCP_13-17,
 * trivy GCP-0014/16/20/22/25): connections with client host names, disconnections, checkpoints, lock waits, temporary
 * files, warnings, failing statements, DDL statements, every statement's duration (not its text) and no profiling
 * statistics; and pgAudit for DDL and role changes (GRANT, REVOKE, CREATE ROLE). Turning cloudsql.enable_pgaudit on
 * in a running instance restarts it; pgAudit also wants `CREATE EXTENSION pgaudit` in each database.
 */
export const POSTGRES_LOG_FLAGS: Readonly<Record<string, string>> = {
  log_connections: 'on',
  log_disconnections: 'on',
  log_hostname: 'on',
  log_checkpoints: 'on',
  log_lock_waits: 'on',
  log_temp_files: '0',
  log_min_messages: 'warning',
  log_min_error_statement: 'error',
  // -1: no statement text logged for being slow (it can hold secrets); log_duration logs every duration without it.
  log_min_duration_statement: '-1',
  log_statement: 'ddl',
  log_duration: 'on',
  log_executor_stats: 'off',
  log_parser_stats: 'off',
  log_planner_stats: 'off',
  log_statement_stats: 'off',
  'cloudsql.enable_pgaudit': 'on',
  // Not read or write: those log every application query, a log volume (and Cloud Logging bill) of its own.
  'pgaudit.log': 'ddl,role',
};

/**
 * A Cloud SQL for PostgreSQL instance reachable only on its private address, with TLS from trusted clients only
 * (clients connect through the Cloud SQL Auth Proxy or a connector, which present an ephemeral certificate; CKV_GCP_6),
 * daily backups with point-in-time recovery, the log and audit flags and deletion protection. Databases and users are
 * added with `addDatabase`, `addIamServiceAccountUser` and `addBuiltInUser`.
 */
export class PostgresInstance extends Construct {
  readonly instance: SqlDatabaseInstance;
  /** `<project>:<region>:<name>`, known at synth: what the Auth Proxy and connectors take. */
  readonly connectionName: string;
  private readonly project: string;

  constructor(scope: Construct, id: string, props: PostgresInstanceProps) {
    super(scope, id);
    if (!/^POSTGRES_\d+$/.test(props.version)) {
      throw new Error(`instance ${props.name}: version must be POSTGRES_<major> (got "${props.version}")`);
    }
    this.project = props.project;
    this.connectionName = `${props.project}:${props.region}:${props.name}`;
    const backups = props.backups ?? { startTime: '03:00', retainedBackups: 7, pointInTimeRecoveryDays: 7 };
    const flags: Record<string, string> = { ...POSTGRES_LOG_FLAGS, ...props.flags };
    if (props.iamAuthentication) flags['cloudsql.iam_authentication'] = 'on';
    const deletionProtection = props.deletionProtection ?? true;

    this.instance = new SqlDatabaseInstance(this, 'Resource', {
      name: props.name,
      project: props.project,
      region: props.region,
      databaseVersion: props.version,
      rootPassword: props.postgresPassword,
      deletionProtection,
      settings: {
        edition: props.edition ?? 'ENTERPRISE',
        tier: props.tier ?? 'db-custom-1-3840',
        availabilityType: props.availability ?? 'ZONAL',
        diskSize: props.diskSizeGb ?? 10,
        diskType: 'PD_SSD',
        diskAutoresize: true,
        deletionProtectionEnabled: deletionProtection,
        locationPreference: props.zone ? { zone: props.zone } : undefined,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.privateNetwork,
          sslMode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
        },
        backupConfiguration: {
          enabled: true,
          startTime: backups.startTime,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: backups.pointInTimeRecoveryDays,
          backupRetentionSettings: { retainedBackups: backups.retainedBackups },
        },
        databaseFlags: Object.entries(flags).map(([name, value]) => ({ name, value })),
        insightsConfig: { queryInsightsEnabled: true },
      },
      dependsOn: [props.privateServicesAccess],
      // With autoresize on, a configured size below the grown disk forces a new instance (the provider's CustomizeDiff
      // ForceNewIfChange on settings.0.disk_size, IsDiskShrinkage; its docs for disk_autoresize ask for this).
      lifecycle: { ignoreChanges: ['settings[0].disk_size'] },
    });
  }

  addDatabase(id: string, name: string): SqlDatabase {
    return new SqlDatabase(this, id, { name, instance: this.instance.name, project: this.project });
  }

  /**
   * A database user that is the Google service account `email`, logging in with IAM tokens (no password). Postgres
   * names it after the email without `.gserviceaccount.com`.
   */
  addIamServiceAccountUser(id: string, email: string): SqlUser {
    const suffix = '.gserviceaccount.com';
    if (!email.endsWith(suffix)) {
      throw new Error(`IAM database user must be a service account email ending in ${suffix} (got "${email}")`);
    }
    return new SqlUser(this, id, {
      name: email.slice(0, -suffix.length),
      instance: this.instance.name,
      project: this.project,
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    });
  }

  /** A built-in user with a password; Cloud SQL makes it a member of cloudsqlsuperuser. */
  addBuiltInUser(id: string, name: string, password: string): SqlUser {
    return new SqlUser(this, id, { name, password, instance: this.instance.name, project: this.project });
  }

  /**
   * Lets `member` connect through the Auth Proxy (roles/cloudsql.client) and, with `iamLogin`, log in as an IAM
   * database user (roles/cloudsql.instanceUser). Cloud SQL has no per-instance IAM, so both are project roles.
   */
  grantClient(id: string, member: string, options: { iamLogin: boolean }): ProjectIamMember[] {
    const roles = ['roles/cloudsql.client', ...(options.iamLogin ? ['roles/cloudsql.instanceUser'] : [])];
    return roles.map(
      (role) => new ProjectIamMember(this, `${id}-${role.replace('roles/cloudsql.', '')}`, { project: this.project, role, member }),
    );
  }
}
