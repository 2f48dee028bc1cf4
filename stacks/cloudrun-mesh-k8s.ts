import { Fn } from 'cdktf';
import { DataGoogleCloudRunV2Service } from '@cdktf/provider-google/lib/data-google-cloud-run-v2-service';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import type { CloudrunMeshConfig } from '../lib/config/cloudrun-mesh';
import { GkeAccess } from '../lib/k8s/gke-access';
import { CloudRunMeshEntry } from '../lib/mesh/cloud-run-entry';
import { MeshConnectorGateway } from '../lib/mesh/connector-gateway';
import { FortioSample } from '../lib/mesh/fortio-sample';
import { MESH_GATEWAY, namespaceAccountEmail } from '../lib/mesh/names';
import { MeshNamespace } from '../lib/mesh/namespace';
import { WeightedRoute } from '../lib/mesh/weighted-route';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/**
 * `cloudrun-mesh-k8s` (seed 001), the in-cluster half: the workload namespaces with their Google accounts' RBAC and
 * WorkloadGroups, the mesh connector gateway, for every Cloud Run service the objects that route mesh traffic to it,
 * the weighted routes and the fortio sample. Deploy after `cloudrun-mesh`: it reads the services' URLs.
 */
export class CloudrunMeshK8sStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: CloudrunMeshConfig) {
    super(scope, 'cloudrun-mesh-k8s', context);
    const { cluster, gateway, workloads, fortio } = section;
    new GkeAccess(this, 'gke', { project: this.projectId, clusterName: cluster.name, location: cluster.location });

    // Workload namespaces map a Google account; route and fortio namespaces only join the mesh.
    const workloadNamespaces = [...new Set(workloads.map((w) => w.namespace))];
    const meshNamespaces = new Set([
      ...workloadNamespaces,
      ...section.routes.map((r) => r.namespace),
      ...(fortio.install ? [fortio.namespace] : []),
    ]);
    const namespaces = new Map<string, NamespaceV1>();
    for (const name of meshNamespaces) {
      const namespace = new MeshNamespace(this, `namespace-${name}`, {
        name,
        project: this.projectId,
        istioRevision: section.istioRevision,
        googleAccount: workloadNamespaces.includes(name),
      });
      namespaces.set(name, namespace.namespace);
    }
    const inNamespaces = (...names: string[]) => [...new Set(names)].map((name) => namespaces.get(name)!);

    if (gateway.install) {
      if (gateway.image === undefined) throw new Error('cloudrunMesh.gateway.image is required with install');
      new MeshConnectorGateway(this, 'gateway', {
        image: gateway.image,
        internalAddress: gateway.internalAddress,
        external: gateway.external,
        externalSourceRanges: gateway.externalSourceRanges,
        meshSettingsReaders: workloadNamespaces.map((name) => ({
          kind: 'User' as const,
          name: namespaceAccountEmail(name, this.projectId),
        })),
      });
    }

    // K_SERVICE in the seed: the first label of the service's URL host (https://cloudrun-6c3hzwsnla-uc.a.run.app).
    const meshTargets = new Map<string, { urlHost: string; namespace: string }>();
    for (const workload of workloads) {
      const service = new DataGoogleCloudRunV2Service(this, `service-${workload.name}`, {
        name: workload.name,
        location: this.region,
        project: this.projectId,
      });
      const urlHost = Fn.element(Fn.split('.', Fn.trimprefix(service.uri, 'https://')), 0) as string;
      meshTargets.set(workload.name, { urlHost, namespace: workload.namespace });
      new CloudRunMeshEntry(this, `mesh-${workload.name}`, {
        workload: workload.name,
        namespace: workload.namespace,
        urlHost,
        gatewayAddress: gateway.internalAddress,
        dependsOn: inNamespaces(workload.namespace),
      });
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
        dependsOn: inNamespaces(route.namespace, ...backends.map((b) => b.namespace)),
      });
    }

    if (fortio.install) {
      new FortioSample(this, 'fortio', {
        namespace: fortio.namespace,
        image: fortio.image,
        istioRevision: section.istioRevision,
        dependsOn: inNamespaces(fortio.namespace),
      });
    }

    this.addOutput(
      'gateway_addresses_command',
      `kubectl get service ${MESH_GATEWAY.name} ${MESH_GATEWAY.internalService} --namespace ${MESH_GATEWAY.namespace} --output wide`,
      "Shows the mesh connector's external and internal load balancer addresses",
    );
  }
}
