import { attribute, DEFAULT_COMPUTE_SA, iamMembers, PUBLIC_MEMBERS, Rule } from './rule';

const CLOUD_RUN_SERVICE = 'google_cloud_run_v2_service';
const INTERNAL_INGRESS = new Set(['INGRESS_TRAFFIC_INTERNAL_ONLY', 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER']);

/** Cloud Run, which checkov and trivy do not cover: internal ingress, no public invoker, a dedicated identity. */
export const CLOUD_RUN_RULES: readonly Rule[] = [
  {
    id: 'RUN-INGRESS-INTERNAL',
    resourceTypes: [CLOUD_RUN_SERVICE],
    check: (a) =>
      typeof a.ingress === 'string' && INTERNAL_INGRESS.has(a.ingress)
        ? undefined
        : `the service's URL is reachable from the internet (ingress ${JSON.stringify(a.ingress ?? null)})`,
    fix: 'set ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY" (or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER behind a load balancer)',
  },
  {
    id: 'RUN-PUBLIC-INVOKER',
    resourceTypes: ['google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding'],
    check: (a) => {
      const open = iamMembers(a).filter((m) => PUBLIC_MEMBERS.has(m));
      return open.length > 0 ? `grants ${String(a.role)} to ${open.join(', ')}: anyone may call the service` : undefined;
    },
    fix: 'grant roles/run.invoker to the service accounts or groups that call the service',
  },
  {
    id: 'RUN-DEDICATED-SA',
    resourceTypes: [CLOUD_RUN_SERVICE],
    check: (a) => {
      const account = attribute(a, 'template.service_account');
      if (typeof account !== 'string') return 'runs as the Compute Engine default service account (none is set)';
      return DEFAULT_COMPUTE_SA.test(account) ? `runs as the Compute Engine default service account ${account}` : undefined;
    },
    fix: 'set template.service_account to a service account of its own with only the roles the service needs',
  },
];
