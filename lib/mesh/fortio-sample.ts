import { ITerraformDependable } from 'cdktf';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { ValidatedManifest } from '../k8s/manifest';
import { RESTRICTED_SECURITY_CONTEXT, UNPRIVILEGED_UID } from '../k8s/pod';
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
/**
 * fortio/fortio v1.69.4 Dockerfile: the image is FROM scratch with no USER, so it runs as root unless told otherwise,
 * and has no /etc/passwd to name a user from: any UID does. Its working directory /var/lib/fortio is where the server
 * saves load-test results (-data-dir, default "."); nothing else is written.
 */
export const FORTIO_DATA_DIR = '/var/lib/fortio';
/** The echo server answers 200 to a GET of any path without ?status= (fhttp/http_server.go echoHandler). */
const ECHO_PROBE = { httpGet: { path: '/', port: '8080' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };

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
            // Neither fortio nor its injected Istio sidecar (which reads its own projected istio-token) calls the API.
            automountServiceAccountToken: false,
            container: [
              {
                name: NAME,
                image: props.image,
                imagePullPolicy: 'Always',
                args: ['server'],
                port: [
                  { name: 'http', containerPort: 8080 },
                  { name: 'grpc', containerPort: 8081 },
                  { containerPort: 8079 },
                ],
                resources: { requests: { cpu: '10m', memory: '512Mi' }, limits: { cpu: '2', memory: '1G' } },
                // Istio's sidecar rewrites HTTP probes through its agent on 15020, so they pass under STRICT mTLS.
                livenessProbe: ECHO_PROBE,
                readinessProbe: ECHO_PROBE,
                securityContext: { ...RESTRICTED_SECURITY_CONTEXT, runAsUser: String(UNPRIVILEGED_UID) },
                volumeMount: [{ name: 'data', mountPath: FORTIO_DATA_DIR }],
              },
            ],
            volume: [{ name: 'data', emptyDir: {} }],
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
