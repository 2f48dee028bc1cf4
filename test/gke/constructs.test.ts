import { TerraformStack, Testing } from 'cdktf';
import { BINARY_AUTHORIZATION_API, GkeCluster } from '../../lib/gke/cluster';
import { ServiceAccount } from '../../lib/iam/service-account';
import { ProjectSetup } from '../../lib/project/project';
import { StateBucket } from '../../lib/state/state-bucket';
import { testApp } from '../support/app';

const stack = () => new TerraformStack(testApp(), 'test');

function cluster(services: readonly string[] = [BINARY_AUTHORIZATION_API]) {
  const scope = stack();
  new ProjectSetup(scope, 'project', { projectId: 'p-123456', services });
  return new GkeCluster(scope, 'cluster', {
    name: 'c',
    project: 'p-123456',
    labels: { stack: 'test' },
    location: 'us-central1-a',
    network: 'n',
    subnetwork: 's',
    podsRangeName: 'pods',
    servicesRangeName: 'services',
    nodeServiceAccountId: 'gke-nodes',
  });
}

describe('construct prop validation', () => {
  test('node pool: node count and disk size', () => {
    expect(() => cluster().addNodePool('nodes', { name: 'pool', nodeCount: -1 })).toThrow(
      'node pool pool: nodeCount must be a whole number of 0 or more (got -1)',
    );
    expect(() => cluster().addNodePool('nodes', { name: 'pool', diskSizeGb: 5 })).toThrow(
      "node pool pool: diskSizeGb must be at least 10, GKE's minimum (got 5)",
    );
  });

  test('a cluster that evaluates pods with Binary Authorization waits for its API, and needs it among the services', () => {
    const withApi = cluster([BINARY_AUTHORIZATION_API, 'container.googleapis.com', 'iam.googleapis.com']);
    const json = JSON.parse(Testing.synth(TerraformStack.of(withApi))) as {
      resource: { google_container_cluster: Record<string, { depends_on: string[] }> };
    };
    expect(Object.values(json.resource.google_container_cluster)[0].depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^google_project_service\.project_binaryauthorization/),
        expect.stringMatching(/^google_project_service\.project_container/),
      ]),
    );
    expect(() => Testing.synth(TerraformStack.of(cluster(['container.googleapis.com', 'iam.googleapis.com'])))).toThrow(
      'test/cluster/Resource (google_container_cluster) sets an argument of binaryauthorization.googleapis.com, which ' +
        'test/project does not enable; add it to its services',
    );
  });

  test('service account id', () => {
    expect(() => new ServiceAccount(stack(), 'sa', { accountId: 'SA', displayName: 'x', project: 'p-123456' })).toThrow(
      'service account id must be 6-30 lowercase letters, digits or hyphens, starting with a letter (got "SA")',
    );
  });

  test('project parent', () => {
    expect(
      () =>
        new ProjectSetup(stack(), 'project', {
          projectId: 'p-123456',
          create: { billingAccount: '0123AB-4567CD-89EF01', folderId: '1', orgId: '2' },
          services: [],
        }),
    ).toThrow('set folderId or orgId for project p-123456, not both (got 1 and 2)');
  });

  test('state bucket version count', () => {
    expect(() => new StateBucket(stack(), 'state', { name: 'b-tfstate', location: 'EU', noncurrentVersionsToKeep: 0 })).toThrow(
      'noncurrentVersionsToKeep must be a whole number of at least 1 (got 0)',
    );
  });
});
