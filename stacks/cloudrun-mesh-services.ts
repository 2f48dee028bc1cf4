import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Construct } from 'constructs';
import type { CloudrunMeshConfig, MeshWorkload } from '../lib/config/cloudrun-mesh';
import { serviceAccountEmail } from '../lib/iam/service-account';
import { GkeAccess } from '../lib/k8s/gke-access';
import { KRUN_PORTS, launcherDefaults, MESH_ENV, meshDataplaneAgent, namespaceAccountId } from '../lib/mesh/names';
import { CloudRunService } from '../lib/run/service';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/** The XDS address of managed Cloud Service Mesh, which the gate writes into mesh-env (krun 85cf58f, FindXDSAddr). */
const MANAGED_XDS = 'meshconfig.googleapis.com:443';

/**
 * `cloudrun-mesh-services` (seed 001): the mesh-enabled Cloud Run services and who may invoke them. Deploy after
 * `cloudrun-mesh-k8s`: each service's launcher reads the mesh settings and gets Kubernetes tokens before it listens, and
 * the plan stops unless the gateway has written those settings.
 */
export class CloudrunMeshServicesStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: CloudrunMeshConfig) {
    super(scope, 'cloudrun-mesh-services', context);
    const { cluster, connector, workloads } = section;
    new GkeAccess(this, 'gke', { project: this.projectId, clusterName: cluster.name, location: cluster.location });

    // The launcher takes XDS_ADDR (and MESH_TENANT, the tenant of managed Cloud Service Mesh) from mesh-env, which the
    // gate writes once its load balancers have addresses; without it Envoy never gets ready and the revision fails.
    const meshEnv = new DataKubernetesResources(this, 'mesh-env', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: MESH_ENV.namespace,
      fieldSelector: `metadata.name=${MESH_ENV.name}`,
    });
    // XDS_ADDR must be host:port (the gate writes ":15012" when it found no address), and a managed control plane
    // (meshconfig.googleapis.com) also needs the tenant, without which the launcher sets up no mesh CA for Envoy.
    const meshEnvData = `${meshEnv.fqn}.objects[0].data`;
    const xds = `try(${meshEnvData}.XDS_ADDR, "")`;
    const tenant = `try(${meshEnvData}.MESH_TENANT, "")`;
    const meshEnvReady = {
      condition: `\${can(regex("^[^:]+:[0-9]+$", ${xds})) && (${xds} != "${MANAGED_XDS}" || ${tenant} != "")}`,
      errorMessage:
        `${MESH_ENV.namespace}/${MESH_ENV.name} has no usable XDS_ADDR (host:port) yet, or no MESH_TENANT beside ${MANAGED_XDS}: ` +
        'the mesh connector gateway writes them once its load balancers have addresses. Deploy cloudrun-mesh-k8s, check ' +
        '`kubectl -n istio-system get configmap mesh-env -o yaml`, then plan again.',
    };
    // The gate calls Cloud Run with an ID token of the mesh data plane service agent (krun 85cf58f, pkg/sts/sts.go).
    const invoker = meshDataplaneAgent(new DataGoogleProject(this, 'project-number', { projectId: this.projectId }).number);

    // Under their own scope: a workload may be named like anything else in this stack.
    const services = new Construct(this, 'services');
    for (const workload of workloads) {
      const accountEmail = serviceAccountEmail(namespaceAccountId(workload.namespace), this.projectId);
      const service = new CloudRunService(services, workload.name, {
        name: workload.name,
        project: this.projectId,
        region: this.region,
        image: workload.image,
        serviceAccountEmail: accountEmail,
        port: { number: KRUN_PORTS.hbone, http2: true },
        env: launcherEnv(workload, accountEmail, section),
        secretEnv: workload.sshAuthorizedKeySecret ? { SSH_AUTH: workload.sshAuthorizedKeySecret } : undefined,
        executionEnvironment: 'gen2',
        concurrency: workload.concurrency,
        timeoutSeconds: workload.timeoutSeconds,
        cpu: workload.cpu,
        memory: workload.memory,
        minInstances: workload.minInstances,
        maxInstances: workload.maxInstances,
        vpcConnector: `projects/${this.projectId}/locations/${this.region}/connectors/${connector.name}`,
        ingress: workload.ingress,
        deletionProtection: section.deletionProtection,
        preconditions: [meshEnvReady],
      });
      // The seed's `gcloud alpha run deploy`; invoker grants are additive members (the seed's allUsers stays until removed).
      if (section.adoptExisting) {
        adopt(service.service, `projects/${this.projectId}/locations/${this.region}/services/${workload.name}`);
      }
      service.allowInvoker('invoker-mesh-dataplane', `serviceAccount:${invoker}`);
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
