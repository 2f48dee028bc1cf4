import { attribute, Rule } from './rule';

const SQL_INSTANCE = 'google_sql_database_instance';

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
];
