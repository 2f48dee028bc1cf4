/**
 * Field schemas shared by every config section. Messages say what is allowed; the loader adds the path and
 * the value that was given.
 */
import { z } from 'zod';
import { NODE_PROVISIONING, RELEASE_CHANNELS } from '../gke/options';
import { PROJECT_OR_ACCOUNT_ID } from '../naming';
import { isRfc1918, parseCidr, parseIpv4 } from '../network/ipv4';
import {
  isKnownRegion,
  isKnownZone,
  machineTypeAvailabilityProblem,
  machineTypeOfferedIn,
  machineTypeProblem,
  regionMessage,
  zoneMessage,
  zonesOf,
} from './catalog';

/** Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starts with a letter. */
export const projectId = z
  .string()
  .regex(
    PROJECT_OR_ACCOUNT_ID,
    'must be a project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen',
  );

/** A Google Cloud region the catalog (lib/config/catalog) lists, with a "did you mean" for a typo. */
export const region = z.string().refine(isKnownRegion, { error: (issue) => regionMessage(String(issue.input)) });

/** A zone the catalog lists; a wrong letter for a known region names that region's zones. */
export const zone = z.string().refine(isKnownZone, { error: (issue) => zoneMessage(String(issue.input)) });

export { isKnownRegion, isKnownZone, machineTypeAvailabilityProblem, machineTypeOfferedIn, zonesOf };

/** The region a zone belongs to: us-central1-a -> us-central1 (a region comes back as it is). */
export function regionOfZone(zoneName: string): string {
  return zoneName.replace(/-[a-z]$/, '');
}

export const ipv4Cidr = z
  .string()
  .refine((value) => parseCidr(value) !== undefined, {
    message: 'must be an IPv4 CIDR such as 10.0.0.0/24, with no host bits set',
  });

export const ipv4Address = z
  .string()
  .refine((value) => parseIpv4(value) !== undefined, { message: 'must be an IPv4 address such as 10.128.0.50', abort: true });

/** A private (RFC 1918) IPv4 address such as 10.128.0.50. */
export const privateIpv4Address = ipv4Address.refine((value) => isRfc1918(parseIpv4(value) ?? 0), {
    message: 'must be a private address (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)',
  });

/** RFC 1035 name as Compute Engine and GKE use it: lowercase, digits, hyphens, starts with a letter. */
export function resourceName(maxLength: number) {
  return z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      'must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen',
    );
}

/** Service account id (the part before @): 6-30 characters. */
export const serviceAccountId = z
  .string()
  .regex(
    PROJECT_OR_ACCOUNT_ID,
    'must be a service account id: 6-30 lowercase letters, digits or hyphens, starting with a letter',
  );

/** Environment name: becomes part of every state prefix and a label value. */
export const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,29}$/, 'must be 1-30 lowercase letters, digits or hyphens, starting with a letter');

const labelKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'label keys must be 1-63 lowercase letters, digits, _ or -, starting with a letter');
const labelValue = z
  .string()
  .regex(/^[a-z0-9_-]{0,63}$/, 'label values must be at most 63 lowercase letters, digits, _ or -');

export const labels = z.record(labelKey, labelValue);

/** Cloud Storage bucket name (the dotted, domain-named form is not offered: it needs domain verification). */
export const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/,
    'must be a bucket name: 3-63 lowercase letters, digits, - or _, starting and ending with a letter or digit',
  )
  .refine((name) => !name.startsWith('goog') && !name.includes('google'), {
    message: 'must not start with "goog" or contain "google"',
  });

export const billingAccount = z
  .string()
  .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'must be a billing account id such as 0123AB-4567CD-89EF01');

/** A predefined machine type from the catalog, a valid custom shape, or a name in a series known by name only. */
export const machineType = z.string().check((ctx) => {
  const message = machineTypeProblem(ctx.value);
  if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: ctx.value });
});

/** Persistent disk types for boot disks. */
export const diskType = z.enum(['pd-standard', 'pd-balanced', 'pd-ssd']);

export const releaseChannel = z.enum(RELEASE_CHANNELS);

/** The group GKE reads for Google Groups for RBAC: only this name, in a Workspace or Cloud Identity domain. */
export const gkeSecurityGroup = z
  .string()
  .regex(
    /^gke-security-groups@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/,
    'must be gke-security-groups@<your domain>, such as gke-security-groups@example.com: GKE accepts no other group name',
  );

/** CIDRs that may reach a GKE control plane endpoint; an empty list admits no address outside Google Cloud's own. */
export const controlPlaneAuthorizedCidrs = z.array(ipv4Cidr);

export const nodeProvisioning = z.enum(NODE_PROVISIONING);

/** Full resource name of a Cloud KMS key. */
export const kmsKeyName = z
  .string()
  .regex(
    /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
    'must be a key name: projects/P/locations/L/keyRings/R/cryptoKeys/K',
  );

/** A raw config value as an object: cross-field checks read input that may not have passed validation. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Kubernetes object name that must be a DNS-1123 label (namespaces, services): at most 63 characters. */
export const dns1123Label = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1123 label: lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  );

/** Container image reference pinned to a tag or digest (never implicitly `latest`). */
export const pinnedImage = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._\/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$/,
    'must be an image pinned to a tag or digest, such as registry/name:1.2.3',
  )
  .refine((image) => !image.endsWith(':latest'), { message: 'must not use the moving tag latest' });

/** Kubernetes resource quantity such as 500m, 1, 2Gi. */
export const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'must be a Kubernetes quantity such as 500m, 1 or 2Gi');

/**
 * Import what the seed's manual steps created, under the seed's names, instead of creating it (Terraform import
 * blocks); resources the seed does not create are created as usual. Each blueprint's page lists what it adopts.
 */
export const adoptExisting = z.boolean().default(false);
