import type { SkypilotConfig } from '../config/skypilot';
import { serviceAccountEmail } from '../iam/service-account';

/**
 * Names both SkyPilot stacks derive from config, so `skypilot-app` finds what `skypilot` created without a
 * cross-stack reference (and can be planned from the config alone).
 */
export function skypilotNames(section: SkypilotConfig, project: string, region: string) {
  const instance = section.database.instanceName;
  const email = serviceAccountEmail(section.serviceAccountId, project);
  return {
    /** The proxy's Google service account. */
    serviceAccountEmail: email,
    /** Its PostgreSQL user name in IAM mode: the email without `.gserviceaccount.com`. */
    iamDatabaseUser: email.replace(/\.gserviceaccount\.com$/, ''),
    instanceConnectionName: `${project}:${region}:${instance}`,
    /** Secret Manager secret of the `postgres` user's password (IAM mode: the one-off GRANT logs in with it). */
    postgresPasswordSecretId: `${instance}-postgres-password`,
    /** Secret Manager secret of the `skypilot` user's password (password mode). */
    databasePasswordSecretId: `${instance}-skypilot-password`,
    /** Built-in database user of password mode, as in the seed. */
    databaseUser: 'skypilot',
    /** Kubernetes Job (and its service account) that runs the seed's GRANT in IAM mode. */
    grantJobName: 'skypilot-db-grant',
  };
}
