import { Construct, IConstruct } from 'constructs';
import type { CloudrunMeshConfig } from '../lib/config/cloudrun-mesh';
import { GkeAccess } from '../lib/k8s/gke-access';
import { adoptKubernetesObjects } from '../lib/k8s/adopt';
import { MeshConnectorGateway } from '../lib/mesh/connector-gateway';
import { FortioSample } from '../lib/mesh/fortio-sample';
import { MESH_GATEWAY, namespaceAccountEmail } from '../lib/mesh/names';
import { MeshNamespace } from '../lib/mesh/namespace';
import { MeshSettingsAccess } from '../lib/mesh/settings-access';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/**
 * `cloudrun-mesh-k8s` (seed 001), what the cluster needs before a Cloud Run service starts: the workload namespaces
 * with their Google accounts' RBAC and WorkloadGroups, read access to the mesh settings in istio-system, the mesh
 * connector gateway (which writes them), and the fortio sample. Deploy after `cloudrun-mesh` (the gateway's address),
 * before `cloudrun-mesh-services`.
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
    // What the seed's kubectl steps created: its namespaces (`kubectl create ns`), their Google-account objects, fortio.
    const seedObjects: IConstruct[] = [];
    for (const name of meshNamespaces) {
      const namespace = new MeshNamespace(this, `namespace-${name}`, {
        name,
        project: this.projectId,
        istioRevision: section.istioRevision,
        googleAccount: workloadNamespaces.includes(name),
      });
      if (workloadNamespaces.includes(name) || (fortio.install && name === fortio.namespace)) seedObjects.push(namespace);
      if (fortio.install && name === fortio.namespace) {
        const sample = new FortioSample(this, 'fortio', {
          namespace: fortio.namespace,
          image: fortio.image,
          istioRevision: section.istioRevision,
          dependsOn: [namespace.namespace],
        });
        seedObjects.push(sample);
      }
    }

    new MeshSettingsAccess(this, 'mesh-settings', {
      readers: workloadNamespaces.map((name) => ({ kind: 'User' as const, name: namespaceAccountEmail(name, this.projectId) })),
    });

    const except: IConstruct[] = [];
    if (gateway.install) {
      if (gateway.image === undefined) throw new Error('cloudrunMesh.gateway.image is required with install');
      const gate = new MeshConnectorGateway(this, 'gateway', {
        image: gateway.image,
        internalAddress: gateway.internalAddress,
        external: gateway.external,
        externalSourceRanges: gateway.externalSourceRanges,
      });
      // The seed's `kubectl apply -k manifests/`, but its DestinationRule hgate-istiod names no namespace and went to
      // kubectl's current one: ours in istio-system is new.
      seedObjects.push(gate);
      except.push(gate.node.findChild('istiod-destination'));
    }
    if (section.adoptExisting) adoptKubernetesObjects(seedObjects, except);

    this.addOutput(
      'gateway_addresses_command',
      `kubectl get service ${gateway.external ? `${MESH_GATEWAY.name} ` : ''}${MESH_GATEWAY.internalService} --namespace ${MESH_GATEWAY.namespace} --output wide`,
      "Shows the mesh connector's load balancer addresses",
    );
  }
}
