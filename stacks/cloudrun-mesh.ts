import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { Construct } from 'constructs';
import type { CloudrunMeshConfig } from '../lib/config/cloudrun-mesh';
import { regionOfZone } from '../lib/config/fields';
import { ServiceAccount } from '../lib/iam/service-account';
import { MESH_GATEWAY, namespaceAccountId } from '../lib/mesh/names';
import { ServerlessConnector } from '../lib/network/serverless-connector';
import { ProjectSetup } from '../lib/project/project';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/**
 * `cloudrun-mesh` (seed 001), what Google Cloud needs before anything runs: the APIs, per workload namespace a Google
 * account `k8s-<namespace>` that may view the cluster, the Serverless VPC Access connector on the cluster's network,
 * and the gateway's internal address. `cloudrun-mesh-k8s`, `cloudrun-mesh-services` and `cloudrun-mesh-routes` follow.
 */
export class CloudrunMeshStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: CloudrunMeshConfig) {
    super(scope, 'cloudrun-mesh', context);
    const { cluster, connector, gateway, workloads } = section;
    const usesSecrets = workloads.some((w) => w.sshAuthorizedKeySecret !== undefined);
    new ProjectSetup(this, 'project', {
      projectId: this.projectId,
      services: [
        'run.googleapis.com',
        'vpcaccess.googleapis.com',
        'compute.googleapis.com',
        'iam.googleapis.com',
        // On already where the cluster runs. The clusterViewer grants wait for it.
        'container.googleapis.com',
        // The gate exchanges its Kubernetes token at STS and mints the ID token it calls Cloud Run with at IAM Credentials.
        'sts.googleapis.com',
        'iamcredentials.googleapis.com',
        ...(usesSecrets ? ['secretmanager.googleapis.com'] : []),
      ],
    });

    // One account per namespace, as the seed recommends: it acts as a Kubernetes user with that namespace's RBAC.
    for (const namespace of new Set(workloads.map((w) => w.namespace))) {
      const accountId = namespaceAccountId(namespace);
      const account = new ServiceAccount(this, accountId, {
        accountId,
        displayName: `Service account with access to ${namespace} k8s namespace`,
        description: 'Runs the Cloud Run services of this namespace; finds the cluster and gets mesh tokens',
        project: this.projectId,
        // The launcher reads its cluster at start (GetCluster, krun pkg/gcp/gcp-kubeconfig.go).
        projectRoles: ['roles/container.clusterViewer'],
      });
      // The seed's `gcloud iam service-accounts create k8s-${WORKLOAD_NAMESPACE}`; the role grant is additive.
      if (section.adoptExisting) adopt(account.account, `projects/${this.projectId}/serviceAccounts/${account.staticEmail}`);
    }

    const serverless = new ServerlessConnector(this, 'connector', {
      name: connector.name,
      project: this.projectId,
      region: this.region,
      network: cluster.network,
      ipCidrRange: connector.ipCidrRange,
      minInstances: connector.minInstances,
      maxInstances: connector.maxInstances,
      machineType: connector.machineType,
    });
    // The connector the seed creates in the console (its name, serverlesscon, is the --vpc-connector of the deploy).
    if (section.adoptExisting) {
      adopt(serverless.connector, `projects/${this.projectId}/locations/${this.region}/connectors/${connector.name}`);
    }

    if (gateway.install) {
      // The internal-hgate load balancer takes this address, so every WorkloadEntry can name it before it exists.
      new ComputeAddress(this, 'gateway-address', {
        name: MESH_GATEWAY.internalService,
        project: this.projectId,
        region: regionOfZone(cluster.location),
        subnetwork: cluster.subnetwork,
        addressType: 'INTERNAL',
        address: gateway.internalAddress,
        description: 'Internal load balancer of the mesh connector gateway (istio-system/internal-hgate)',
      });
    }
  }
}
