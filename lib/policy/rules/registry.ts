import { noPublicMembers, Rule } from './rule';

/** Artifact Registry repositories. */
export const REGISTRY_RULES: readonly Rule[] = [
  noPublicMembers(
    'CKV_GCP_101',
    ['google_artifact_registry_repository_iam_member', 'google_artifact_registry_repository_iam_binding'],
    'an Artifact Registry repository',
  ),
];
