import type { Case } from './case';

export const CLOUD_RUN_CASES: Record<string, Case> = {
  'RUN-INGRESS-INTERNAL': {
    type: 'google_cloud_run_v2_service',
    fails: { ingress: 'INGRESS_TRAFFIC_ALL' },
    passes: { ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' },
  },
  'RUN-PUBLIC-INVOKER': {
    type: 'google_cloud_run_v2_service_iam_member',
    fails: { role: 'roles/run.invoker', member: 'allUsers' },
    passes: { role: 'roles/run.invoker', member: 'serviceAccount:p.svc.id.goog[istio-system/default]' },
  },
  'RUN-DEDICATED-SA': {
    type: 'google_cloud_run_v2_service',
    fails: { template: { service_account: '123-compute@developer.gserviceaccount.com' } },
    passes: { template: { service_account: 'k8s-fortio@p.iam.gserviceaccount.com' } },
  },
};
