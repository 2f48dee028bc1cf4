import { Construct } from 'constructs';
import type { GkePlaygroundConfig } from '../lib/config/gke-playground';
import { BINARY_AUTHORIZATION_API, GkeCluster } from '../lib/gke/cluster';
import { ClusterNetwork } from '../lib/gke/cluster-network';
import { ProjectSetup } from '../lib/project/project';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack, defaultLabels } from '../lib/stack/blueprint-stack';

/**
 * `gke-playground` (seed 002): a low-cost zonal GKE cluster for experiments. The seed's gcloud steps map to:
 * project + APIs -> ProjectSetup; `clusters create` -> GkeCluster; the instance-group resize to 1 or 0 -> the node
 * pool's nodeCount; `get-credentials` -> the get_credentials output.
 */
export class GkePlaygroundStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: GkePlaygroundConfig) {
    super(scope, 'gke-playground', context, { projectId: section.projectId });

    const project = new ProjectSetup(this, 'project', {
      projectId: this.projectId,
      create: section.createProject,
      // IAM: the cluster's node service account. Binary Authorization: the cluster enforces the project's policy.
      services: ['compute.googleapis.com', 'container.googleapis.com', 'iam.googleapis.com', BINARY_AUTHORIZATION_API],
    });

    const { network } = section;
    const clusterNetwork = new ClusterNetwork(this, 'network', {
      name: network.name,
      project: project.projectId,
      region: this.region,
      nodesCidr: network.nodesCidr,
      podsCidr: network.podsCidr,
      servicesCidr: network.servicesCidr,
    });

    const gke = new GkeCluster(this, 'cluster', {
      name: section.clusterName,
      project: project.projectId,
      labels: defaultLabels(context.config, this.node.id),
      location: section.zone,
      ...clusterNetwork.clusterNetworking,
      nodeServiceAccountId: section.nodeServiceAccountId,
      releaseChannel: section.releaseChannel,
      cloudLogging: section.cloudLogging,
      controlPlaneAuthorizedCidrs: section.controlPlaneAuthorizedCidrs,
      rbacSecurityGroup: section.rbacSecurityGroup,
      deletionProtection: section.deletionProtection,
    });

    gke.addNodePool('nodes', {
      name: 'playground-pool',
      nodeCount: section.nodeCount,
      machineType: section.machineType,
      provisioning: section.provisioning,
      diskSizeGb: section.diskSizeGb,
      diskType: section.diskType,
    });

    gke.addOutputs(this);

    if (section.adoptExisting) {
      // What the seed's gcloud steps created, by the names in config; import ids in the formats the google provider
      // 6.50.0 documents (website/docs/r/*.html.markdown, "Import"). The cluster cannot become ours in place: synth
      // warns (gkePlaygroundReplacements) and docs/blueprints/gke-playground.md says what to decide.
      const projectId = this.projectId;
      if (project.project) adopt(project.project, projectId);
      // `gcloud services enable` of Compute Engine and Kubernetes Engine; enabling again would be a no-op too.
      for (const api of SEED_APIS) adopt(project.services.get(api)!, `${projectId}/${api}`);
      adopt(gke.cluster, `projects/${projectId}/locations/${section.zone}/clusters/${section.clusterName}`);
    }
  }
}

/** The APIs the seed enables. */
const SEED_APIS = ['compute.googleapis.com', 'container.googleapis.com'];
