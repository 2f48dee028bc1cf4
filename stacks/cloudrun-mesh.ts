import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { Construct } from 'constructs';
import { CloudrunMeshConfig, MeshWorkload } from '../lib/config/cloudrun-mesh';
import { regionOfZone } from '../lib/config/fields';
import { ServiceAccount } from '../lib/iam/service-account';
import { launcherDefaults, MESH_GATEWAY, KRUN_PORTS, namespaceAccountId } from '../lib/mesh/names';
import { ServerlessConnector } from '../lib/network/serverless-connector';
import { ProjectSetup } from '../lib/project/project';
import { CloudRunService } from '../lib/run/service';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/**
 * `cloudrun-mesh` (seed 001), the Google Cloud half: per workload namespace a Google account `k8s-<namespace>` that
 * may view the cluster, the Serverless VPC Access connector on the cluster's network, the gateway's internal address,
 * and the mesh-enabled Cloud Run services with their invokers. `cloudrun-mesh-k8s` adds the mesh configuration.
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
        // On already where the cluster runs. The clusterViewer grants wait for it, and the services for them.
        'container.googleapis.com',
        ...(usesSecrets ? ['secretmanager.googleapis.com'] : []),
      ],
    });

    // One account per namespace, as the seed recommends: it acts as a Kubernetes user with that namespace's RBAC.
    const accounts = new Map<string, ServiceAccount>();
    for (const namespace of new Set(workloads.map((w) => w.namespace))) {
      const accountId = namespaceAccountId(namespace);
      accounts.set(
        namespace,
        new ServiceAccount(this, accountId, {
          accountId,
          displayName: `Service account with access to ${namespace} k8s namespace`,
          description: 'Runs the Cloud Run services of this namespace; finds the cluster and gets mesh tokens',
          project: this.projectId,
          // The launcher lists and reads clusters to find its config cluster.
          projectRoles: ['roles/container.clusterViewer'],
        }),
      );
    }

    const vpcConnector = new ServerlessConnector(this, 'connector', {
      name: connector.name,
      project: this.projectId,
      region: this.region,
      network: cluster.network,
      ipCidrRange: connector.ipCidrRange,
      minInstances: connector.minInstances,
      maxInstances: connector.maxInstances,
      machineType: connector.machineType,
    });

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

    const invokers: [string, string][] = [];
    if (section.invokers.gateway) {
      const { namespace, serviceAccount } = MESH_GATEWAY;
      invokers.push(['invoker-gateway', `serviceAccount:${this.projectId}.svc.id.goog[${namespace}/${serviceAccount}]`]);
    }
    if (section.invokers.managedDataplane) {
      const number = new DataGoogleProject(this, 'project-number', { projectId: this.projectId }).number;
      invokers.push(['invoker-mesh-dataplane', `serviceAccount:service-${number}@gcp-sa-meshdataplane.iam.gserviceaccount.com`]);
    }

    // Under their own scope: a workload may be named like anything else in this stack.
    const services = new Construct(this, 'services');
    for (const workload of workloads) {
      const account = accounts.get(workload.namespace)!;
      const service = new CloudRunService(services, workload.name, {
        name: workload.name,
        project: this.projectId,
        region: this.region,
        image: workload.image,
        serviceAccountEmail: account.email,
        port: { number: KRUN_PORTS.hbone, http2: true },
        env: launcherEnv(workload, account.staticEmail, section),
        secretEnv: workload.sshAuthorizedKeySecret ? { SSH_AUTH: workload.sshAuthorizedKeySecret } : undefined,
        executionEnvironment: 'gen2',
        concurrency: workload.concurrency,
        timeoutSeconds: workload.timeoutSeconds,
        cpu: workload.cpu,
        memory: workload.memory,
        minInstances: workload.minInstances,
        maxInstances: workload.maxInstances,
        vpcConnector: vpcConnector.id,
        ingress: workload.ingress,
        deletionProtection: section.deletionProtection,
        // The launcher lists the clusters at start (roles/container.clusterViewer).
        dependsOn: [account.account, ...account.projectGrants],
      });
      for (const [id, member] of invokers) service.allowInvoker(id, member);
      if (workload.allowUnauthenticated) service.allowInvoker('invoker-all-users', 'allUsers');
      this.addOutput(`${workload.name}_url`, service.uri, `URL of the Cloud Run service ${workload.name}`);
    }
  }
}

/**
 * The launcher's settings: the cluster always (the seed's --set-env-vars), the namespace and name only where the
 * launcher would derive something else from the account and service name.
 */
function launcherEnv(workload: MeshWorkload, accountEmail: string, section: CloudrunMeshConfig): Record<string, string> {
  const derived = launcherDefaults(accountEmail, workload.name);
  return {
    CLUSTER_NAME: section.cluster.name,
    CLUSTER_LOCATION: section.cluster.location,
    ...(derived.namespace !== workload.namespace ? { WORKLOAD_NAMESPACE: workload.namespace } : {}),
    ...(derived.name !== workload.name ? { WORKLOAD_NAME: workload.name } : {}),
  };
}
