import type { Case } from './case';

export const REGISTRY_CASES: Record<string, Case> = {
  CKV_GCP_84: {
    type: 'google_artifact_registry_repository',
    fails: { repository_id: 'krun', format: 'DOCKER' },
    passes: { repository_id: 'krun', format: 'DOCKER', kms_key_name: 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k' },
  },
  CKV_GCP_101: {
    type: 'google_artifact_registry_repository_iam_member',
    fails: { repository: 'krun', role: 'roles/artifactregistry.reader', member: 'allUsers' },
    passes: { repository: 'krun', role: 'roles/artifactregistry.reader', member: 'serviceAccount:nodes@p.iam.gserviceaccount.com' },
  },
};
