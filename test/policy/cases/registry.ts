import type { Case } from './case';

export const REGISTRY_CASES: Record<string, Case> = {
  CKV_GCP_101: {
    type: 'google_artifact_registry_repository_iam_member',
    fails: { repository: 'krun', role: 'roles/artifactregistry.reader', member: 'allUsers' },
    passes: { repository: 'krun', role: 'roles/artifactregistry.reader', member: 'serviceAccount:nodes@p.iam.gserviceaccount.com' },
  },
};
