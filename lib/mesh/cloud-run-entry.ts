import { ITerraformDependable } from 'cdktf';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { KubernetesModel, ValidatedManifest } from '../k8s/manifest';
import { KRUN_PORTS, MESH_GATEWAY } from './names';

const CANONICAL_NAME = 'service.istio.io/canonical-name';

export interface MeshServiceProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** @default no selector: endpoints come from the mesh (VirtualService) only */
  readonly selector?: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
}

/** A Kubernetes Service for a Cloud Run workload: port 8080 (http) that the mesh sends to the gateway's SNI port. */
export function meshService(scope: Construct, id: string, props: MeshServiceProps): ServiceV1 {
  return new ServiceV1(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels ? { ...props.labels } : undefined },
    spec: {
      selector: props.selector ? { ...props.selector } : undefined,
      port: [{ name: 'http', port: KRUN_PORTS.app, targetPort: String(KRUN_PORTS.sni) }],
    },
    dependsOn: props.dependsOn,
  });
}

/** The in-mesh host of a Cloud Run service: `<url host>.<namespace>.svc.cluster.local`. */
export function cloudRunMeshHost(urlHost: string, namespace: string): string {
  return `${urlHost}.${namespace}.svc.cluster.local`;
}

export interface CloudRunMeshEntryProps {
  /** Workload (Cloud Run service) name. */
  readonly workload: string;
  readonly namespace: string;
  /** First label of the service's URL host, such as cloudrun-6c3hzwsnla-uc (the seed's K_SERVICE). */
  readonly urlHost: string;
  /** Address of the internal gateway (internal-hgate), where the mesh sends the service's traffic. */
  readonly gatewayAddress: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * How pods reach a Cloud Run service through the mesh (the seed's sni-service-template.yaml): Services named after the
 * workload and after its URL host, a VirtualService for the workload's names, and a WorkloadEntry at the internal
 * gateway, which tunnels mTLS to the service over HBONE. The template's hosts hard-code the namespace `fortio`; here
 * they use the workload's namespace.
 */
export class CloudRunMeshEntry extends Construct {
  constructor(scope: Construct, id: string, props: CloudRunMeshEntryProps) {
    super(scope, id);
    const { workload, namespace, urlHost, dependsOn } = props;
    const host = cloudRunMeshHost(urlHost, namespace);
    const canonical = { [CANONICAL_NAME]: workload };
    const labels = { ...canonical, 'mesh-cloudrun': workload };
    const selector = { app: workload };
    const manifest = (manifestId: string, model: KubernetesModel) =>
      new ValidatedManifest(this, manifestId, { model, dependsOn });

    meshService(this, 'url-service', { name: urlHost, namespace, labels, selector, dependsOn });
    meshService(this, 'service', { name: workload, namespace, labels, selector, dependsOn });
    manifest(
      'route',
      istio.virtualService({
        metadata: { name: workload, namespace, labels },
        spec: {
          hosts: [workload, `${workload}.${namespace}`, `${workload}.${namespace}.svc`],
          http: [{ route: [{ destination: { host } }] }],
        },
      }),
    );
    manifest(
      'destination',
      istio.destinationRule({
        metadata: { name: urlHost, namespace },
        spec: { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      }),
    );
    manifest(
      'peer-authentication',
      istio.peerAuthentication({
        metadata: { name: urlHost, namespace },
        spec: { selector: { matchLabels: selector }, portLevelMtls: { [KRUN_PORTS.envoyInbound]: { mode: 'STRICT' } } },
      }),
    );
    manifest(
      'workload-entry',
      istio.workloadEntry({
        metadata: { name: `${workload}-sni`, namespace, labels: { ...canonical, ...selector } },
        spec: {
          serviceAccount: 'default',
          address: props.gatewayAddress,
          ports: { http: MESH_GATEWAY.sniTunnelPort },
        },
      }),
    );
    manifest(
      'service-entry',
      istio.serviceEntry({
        metadata: { name: urlHost, namespace, labels: canonical },
        spec: {
          hosts: [host],
          location: 'MESH_INTERNAL',
          ports: [{ number: KRUN_PORTS.app, name: 'http', protocol: 'HTTP' }],
          resolution: 'STATIC',
          workloadSelector: { labels: selector },
        },
      }),
    );
    // Envoy on the Cloud Run side: HBONE delivers decrypted requests to 15003, which forwards to the app on 8080.
    manifest(
      'sidecar',
      istio.sidecar({
        metadata: { name: urlHost, namespace },
        spec: {
          workloadSelector: { labels: selector },
          ingress: [
            {
              port: { number: KRUN_PORTS.envoyInbound, protocol: 'HTTP', name: 'http-testsidecar2' },
              bind: '127.0.0.1',
              defaultEndpoint: `127.0.0.1:${KRUN_PORTS.app}`,
              captureMode: 'NONE',
            },
          ],
        },
      }),
    );
  }
}
