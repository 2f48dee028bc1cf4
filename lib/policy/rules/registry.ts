import { noPublicMembers, Rule } from './rule';

/** Artifact Registry repositories. */
export const REGISTRY_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_84',
    resourceTypes: ['google_artifact_registry_repository'],
    check: (a) =>
      typeof a.kms_key_name === 'string'
        ? undefined
        : 'images are encrypted with a Google-managed key, not one of yours (no kms_key_name)',
    fix: "set kms_key_name = <Cloud KMS key in the repository's location> and let the Artifact Registry service agent use it",
  },
  noPublicMembers(
    'CKV_GCP_101',
    ['google_artifact_registry_repository_iam_member', 'google_artifact_registry_repository_iam_binding'],
    'an Artifact Registry repository',
  ),
];
