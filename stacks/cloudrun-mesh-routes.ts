import { DataGoogleCloudRunV2Service } from '@cdktf/provider-google/lib/data-google-cloud-run-v2-service';
import { Construct } from 'constructs';
import type { CloudrunMeshConfig } from '../lib/config/cloudrun-mesh';
import { GkeAccess } from '../lib/k8s/gke-access';
import { adoptKubernetesObjects } from '../lib/k8s/adopt';
import { CloudRunMeshEntry } from '../lib/mesh/cloud-run-entry';
import { gateUrlLabel } from '../lib/mesh/names';
import { WeightedRoute } from '../lib/mesh/weighted-route';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/**
 * `cloudrun-mesh-routes` (seed 001): for every Cloud Run service the objects that route mesh traffic to it through the
 * gateway (the seed's sni-service-template.yaml), and the weighted routes. Deploy after `cloudrun-mesh-services`: the
 * objects are named after each service's URL, which its data source reads when Terraform plans.
 */
export class CloudrunMeshRoutesStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: CloudrunMeshConfig) {
    super(scope, 'cloudrun-mesh-routes', context);
    const { cluster, gateway, workloads } = section;
    new GkeAccess(this, 'gke', { project: this.projectId, clusterName: cluster.name, location: cluster.location });

    // K_SERVICE in the seed: the first label of the service's a.run.app URL (https://cloudrun-6c3hzwsnla-uc.a.run.app).
    const meshTargets = new Map<string, { urlHost: string; namespace: string }>();
    for (const workload of workloads) {
      const service = new DataGoogleCloudRunV2Service(this, `service-${workload.name}`, {
        name: workload.name,
        location: this.region,
        project: this.projectId,
      });
      const urlHost = gateUrlLabel(service.urls);
      meshTargets.set(workload.name, { urlHost, namespace: workload.namespace });
      const entry = new CloudRunMeshEntry(this, `mesh-${workload.name}`, {
        workload: workload.name,
        namespace: workload.namespace,
        urlHost,
        gatewayAddress: gateway.internalAddress,
      });
      // The seed's sni-service-template.yaml: the objects named after the workload. Those named after the service's URL
      // (K_SERVICE) cannot be imported, their names are read while planning (docs/blueprints/cloudrun-mesh.md).
      if (section.adoptExisting) adoptKubernetesObjects([entry]);
    }

    for (const route of section.routes) {
      const backends = route.backends.map((backend) => {
        const target = meshTargets.get(backend.workload);
        if (!target) throw new Error(`cloudrunMesh.routes: backend ${backend.workload} is not a workload`);
        return { ...target, weight: backend.weight };
      });
      new WeightedRoute(this, `route-${route.namespace}-${route.name}`, {
        name: route.name,
        namespace: route.namespace,
        backends,
      });
    }
  }
}
