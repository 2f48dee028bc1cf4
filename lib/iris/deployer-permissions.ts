/**
 * The article's terraform-permissions.yaml ("My Terraform Role"): what its Terraform service account needed. Kept as
 * published (71 unique permissions) for `irisMirror.deployerRole`; this blueprint also creates a secret, an Artifact
 * Registry repository and a custom role, which need more (see docs/blueprints/iris-mirror.md).
 */
export const ARTICLE_DEPLOYER_PERMISSIONS: readonly string[] = [
  'compute.projects.get',
  ...['get', 'create', 'update', 'delete', 'updatePolicy'].map((verb) => `compute.networks.${verb}`),
  ...['get', 'create', 'update', 'delete', 'use', 'useExternalIp'].map((verb) => `compute.subnetworks.${verb}`),
  ...['get', 'create', 'update', 'delete'].map((verb) => `compute.routers.${verb}`),
  ...['get', 'create', 'delete', 'setTags', 'setLabels', 'setMetadata', 'setServiceAccount', 'addAccessConfig'].map(
    (verb) => `compute.instances.${verb}`,
  ),
  ...['get', 'create', 'delete', 'useReadOnly'].map((verb) => `compute.instanceTemplates.${verb}`),
  'compute.disks.create',
  'compute.disks.get',
  'compute.regions.list',
  'compute.zones.get',
  'compute.zones.list',
  ...['list', 'get', 'create', 'update', 'delete'].map((verb) => `compute.firewalls.${verb}`),
  ...['createInternal', 'list', 'get', 'use', 'create', 'delete'].map((verb) => `compute.addresses.${verb}`),
  ...['getIamPolicy', 'setIamPolicy', 'actAs', 'list', 'create', 'delete', 'get', 'update'].map(
    (verb) => `iam.serviceAccounts.${verb}`,
  ),
  ...['list', 'create', 'delete', 'get', 'update', 'undelete'].map((verb) => `iam.roles.${verb}`),
  'resourcemanager.projects.getIamPolicy',
  'resourcemanager.projects.setIamPolicy',
  'artifactregistry.repositories.uploadArtifacts',
  'artifactregistry.repositories.downloadArtifacts',
  ...['create', 'get', 'list', 'delete'].map((verb) => `storage.buckets.${verb}`),
  ...['get', 'list', 'create', 'delete', 'update'].map((verb) => `storage.objects.${verb}`),
];
