import { ITerraformDependable } from 'cdktf';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { ValidatedManifest } from '../k8s/manifest';
import { checkPodPorts, ISTIO_PROXY } from '../k8s/pod-ports';

export interface FortioSampleProps {
  readonly namespace: string;
  /** Pinned fortio image. */
  readonly image: string;
  /** Istio revision that injects the pod's sidecar. */
  readonly istioRevision: string;
  readonly dependsOn?: ITerraformDependable[];
}

const NAME = 'fortio';
const SELECTOR = { app: NAME };
/** What `fortio server` binds with its defaults (fortio/fortio v1.69.4, cli/fortio_main.go and fnet/network.go). */
export const FORTIO_SERVER_PORTS = [
  { port: 8080, use: 'HTTP echo and UI (-http-port)' },
  { port: 8079, use: 'gRPC ping (-grpc-port)' },
  { port: 8078, use: 'TCP and UDP echo (-tcp-port, -udp-port)' },
  { port: 8081, use: 'HTTPS redirect (-redirect-port)' },
];

/**
 * The seed's in-cluster fortio (krun samples/fortio/in-cluster.yaml): an echo and load-test server in the mesh, with
 * mTLS required. Cloud Run calls it at http://fortio.<namespace>.svc:8080; pods call Cloud Run from it.
 */
export class FortioSample extends Construct {
  constructor(scope: Construct, id: string, props: FortioSampleProps) {
    super(scope, id);
    const { namespace, dependsOn } = props;
    checkPodPorts(`Deployment ${namespace}/${NAME}`, [{ container: NAME, binds: FORTIO_SERVER_PORTS }], [ISTIO_PROXY]);
    new ServiceV1(this, 'service', {
      metadata: { name: NAME, namespace },
      spec: { selector: SELECTOR, port: [{ name: 'http-echo', port: 8080 }] },
      dependsOn,
    });
    new DeploymentV1(this, 'deployment', {
      metadata: { name: NAME, namespace, labels: SELECTOR },
      spec: {
        replicas: '1',
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: {
            labels: { ...SELECTOR, version: 'v1', 'istio.io/rev': props.istioRevision },
            annotations: { 'sidecar.istio.io/proxyCPU': '10m' },
          },
          spec: {
            container: [
              {
                name: NAME,
                image: props.image,
                args: ['server'],
                port: [
                  { name: 'http', containerPort: 8080 },
                  { name: 'grpc', containerPort: 8081 },
                  { containerPort: 8079 },
                ],
                resources: { requests: { cpu: '10m', memory: '512Mi' }, limits: { cpu: '2', memory: '1G' } },
              },
            ],
          },
        },
      },
      dependsOn,
    });
    new ValidatedManifest(this, 'destination', {
      model: istio.destinationRule({
        metadata: { name: NAME, namespace },
        spec: { host: NAME, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      }),
      dependsOn,
    });
    new ValidatedManifest(this, 'peer-authentication', {
      model: istio.peerAuthentication({
        metadata: { name: NAME, namespace },
        spec: { selector: { matchLabels: SELECTOR }, mtls: { mode: 'STRICT' } },
      }),
      dependsOn,
    });
  }
}
