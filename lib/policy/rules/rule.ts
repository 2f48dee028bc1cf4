/**
 * What a baseline rule is. Each reads the attributes of one synthesized resource (snake_case, exactly as Terraform
 * sees them) and says what is wrong. Ids are checkov's (CKV_*) or trivy's (AVD-GCP-*) where one exists, otherwise our
 * own. Unlike checkov, a rule that wants a safe value wants it written: a provider default can change, the
 * synthesized configuration cannot.
 */

export type Attributes = Record<string, unknown>;

/** A resource of the same stack as the one checked, for rules that look across resources. */
export interface StackResource {
  readonly type: string;
  /** Terraform address, e.g. google_storage_bucket.state. */
  readonly address: string;
  readonly attrs: Attributes;
}

export interface Rule {
  readonly id: string;
  readonly resourceTypes: readonly string[];
  /**
   * What is wrong with the resource, or undefined when it complies. `stack` holds every resource of its stack.
   */
  readonly check: (attrs: Attributes, resourceType: string, stack: readonly StackResource[]) => string | undefined;
  /** How to comply, in Terraform attribute terms. */
  readonly fix: string;
}

/** Reads `a.b.c`, stepping into single-block lists the way Terraform JSON may nest them. */
export function attribute(attrs: unknown, path: string): unknown {
  let current: unknown = attrs;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The Compute Engine default service account's email, whatever the project number. */
export const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;

export function iamRole(attrs: Attributes): string | undefined {
  return typeof attrs.role === 'string' ? attrs.role : undefined;
}

/** The members an IAM member or binding resource grants to. */
export function iamMembers(attrs: Attributes): string[] {
  return [attrs.member, ...(Array.isArray(attrs.members) ? attrs.members : [])].filter(
    (m): m is string => typeof m === 'string',
  );
}

/** Members that stand for anyone: on the internet, or with any Google account. */
export const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);

/** A rule refusing grants to anyone on the IAM resources of one kind of resource (checkov's public-access checks). */
export function noPublicMembers(id: string, resourceTypes: readonly string[], what: string): Rule {
  return {
    id,
    resourceTypes,
    check: (a) => {
      const open = iamMembers(a).filter((m) => PUBLIC_MEMBERS.has(m));
      return open.length > 0 ? `grants ${String(a.role)} on ${what} to ${open.join(', ')}` : undefined;
    },
    fix: 'grant the role to the service accounts or groups that need it',
  };
}
