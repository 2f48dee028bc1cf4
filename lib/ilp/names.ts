import type { IlpConnectorConfig } from '../config/ilp-connector';
import { serviceAccountEmail } from '../iam/service-account';

/**
 * Names both connector stacks derive from config, so `ilp-connector-app` finds what `ilp-connector` created without a
 * cross-stack reference (and can be planned from the config alone).
 */
export function ilpConnectorNames(section: IlpConnectorConfig, project: string, region: string) {
  const instance = section.database.instanceName;
  return {
    serviceAccountEmail: serviceAccountEmail(section.serviceAccountId, project),
    instanceConnectionName: `${project}:${region}:${instance}`,
    /** Secret Manager secret of the connector database user's password (created by `ilp-connector`). */
    databasePasswordSecretId: `${instance}-${section.database.user}-password`,
    /** Secret Manager secret of the admin API password (created by `ilp-connector-app`). */
    adminPasswordSecretId: `${section.cluster.name}-connector-admin-password`,
    /** The Knative Service, as the seed names it. */
    serviceName: 'connector',
    /**
     * External address reserved for Kourier's load balancer when this blueprint installs Knative: a domain's A record
     * can be set before the ingress exists, and survives Kourier being recreated.
     */
    ingressAddressName: section.knative.install ? `${section.cluster.name}-ingress` : undefined,
  };
}
