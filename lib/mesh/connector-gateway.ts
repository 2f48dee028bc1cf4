import { ITerraformDependable } from 'cdktf';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { ServiceV1, ServiceV1SpecPort } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { ValidatedManifest } from '../k8s/manifest';
import { RESTRICTED_SECURITY_CONTEXT } from '../k8s/pod';
import { ClusterGrant, NamespacedGrant, PolicyRule, RbacSubject } from '../k8s/rbac';
import { MESH_ENV, MESH_GATEWAY } from './names';

export interface MeshConnectorGatewayProps {
  /** The gate image (krun cmd/gate), pinned. */
  readonly image: string;
  /** Reserved address of the internal load balancer (internal-hgate). */
  readonly internalAddress: string;
  /** Also create the public load balancer `hgate`. */
  readonly external: boolean;
  /** Sources the public load balancer admits. @default any */
  readonly externalSourceRanges?: readonly string[];
}

const { namespace, name } = MESH_GATEWAY;
const SELECTOR = { app: name };
const LABELS = { 'app.kubernetes.io/part-of': 'cloudrun-mesh' };
/** The gate's identity: its pod runs as istio-system/default. */
const GATE: RbacSubject = {
  kind: 'ServiceAccount',
  name: MESH_GATEWAY.serviceAccount,
  namespace,
};
const ISTIOD_HOST = 'istiod.istio-system.svc.cluster.local';

/**
 * The user the gate runs as: Istio's proxy user, which the gateway chart (manifests/charts/gateway/templates/
 * deployment.yaml, 1.12.9 d85042d) and, from Istio 1.20, the gateway injection template (gateway-injection-template.yaml,
 * 1.20.0 6869a6c) run pilot-agent and Envoy as. The proxyv2 1.12.9 image the gate is built on has no USER: as root,
 * krun would set up iptables and then run the agent as 1337 anyway (krun 85cf58f, pkg/mesh/istio.go StartIstioAgent).
 */
export const ISTIO_PROXY_UID = 1337;
/**
 * Every directory the gate writes, on a read-only root and not being root, from its working directory / (krun 85cf58f
 * cmd/gate/Dockerfile WORKDIR /): krun creates and fills them (pkg/mesh/istio.go StartIstioAgent; the istio-token in
 * pkg/mesh/krun.go), pilot-agent 1.12.9 keeps its Envoy bootstrap and XDS/SDS sockets in ./etc/istio/proxy and reads
 * ./etc/istio/pod (pkg/config/constants/constants.go). Neither the seed nor this stack labels istio-system or the pod
 * for injection, so no injector mounts them (the `gateway` template annotation alone selects nothing): each is a
 * directory of one emptyDir.
 */
export const GATE_WRITABLE_DIRS: readonly string[] = [
  '/etc/istio/proxy',
  '/etc/istio/pod',
  '/var/lib/istio/data',
  '/var/run/secrets/istio',
  '/var/run/secrets/istio.io',
  '/var/run/secrets/mesh',
  '/var/run/secrets/tokens',
];
/** Where the gate has pilot-agent write its certificates and reads them (pkg/meshconnectord/snigate.go NewAuthFromDir). */
export const GATE_CERTS_DIR = '/var/run/secrets/istio.io';
/**
 * pilot-agent's gRPC bootstrap, which krun points at ./var/run/grpc_bootstrap.json unless GRPC_XDS_BOOTSTRAP is set;
 * pilot-agent 1.12.9 exits when it cannot write it (pkg/istio-agent/agent.go generateGRPCBootstrap).
 */
export const GATE_GRPC_BOOTSTRAP = `${GATE_CERTS_DIR}/grpc-bootstrap.json`;
const GATE_STATE_VOLUME = 'gate-state';
/** The gate's own listener for reverse HTTP/2 (krun 85cf58f cmd/gate/hgate.go, InitSNIGate(":15442", ":15441")). */
const H2R_PORT = 15441;
const ALL_WRITE_VERBS = ['get', 'list', 'watch', 'update', 'patch', 'create', 'delete'];

/** Gateway ports: SNI routing (east-west style), HBONE, reverse HTTP/2 connections and istiod. */
const PORTS = {
  tls: { name: 'tls', port: 15443 },
  tlsTunnel: { name: 'tls-tun', port: MESH_GATEWAY.sniTunnelPort },
  hbone: { name: 'https-hbone', port: 15008 },
  h2r: { name: 'https-h2r', port: H2R_PORT },
  https: { name: 'https', port: 443, targetPort: '8443' },
  http: { name: 'http', port: 80, targetPort: '8080' },
  istiod: { name: 'tls-istiod', port: 15012 },
} satisfies Record<string, ServiceV1SpecPort>;

/**
 * The krun "mesh connector" (hgate) in istio-system, the seed's `kubectl apply -k manifests/`: the gate Deployment, its
 * public and internal load balancers, its RBAC (it registers WorkloadEntries and reads endpoints), and the Gateway,
 * VirtualService and DestinationRule that pass istiod's port 15012 through it. The gate writes istio-system/mesh-env
 * with the addresses and root certificate the Cloud Run launchers read.
 */
export class MeshConnectorGateway extends Construct {
  readonly deployment: DeploymentV1;

  constructor(scope: Construct, id: string, props: MeshConnectorGatewayProps) {
    super(scope, id);
    // The gate starts only once what it reads at start exists (krun 85cf58f, pkg/meshconnectord/snigate.go): its RBAC
    // (a 403 ends it), the mesh-env seed, and both load balancers with their addresses (the kubernetes provider waits for
    // a LoadBalancer's address), which it would otherwise poll for without a timeout, or write as ":15012" for good.
    const needs: ITerraformDependable[] = this.addRbac();
    if (!props.external) needs.push(this.seedMeshEnv(props.internalAddress));

    const serviceLabels = { ...LABELS, 'topology.istio.io/network': 'hbone' };
    if (props.external) {
      needs.push(
        new ServiceV1(this, 'external', {
          metadata: { name, namespace, labels: serviceLabels },
          spec: {
            type: 'LoadBalancer',
            selector: SELECTOR,
            loadBalancerSourceRanges: props.externalSourceRanges ? [...props.externalSourceRanges] : undefined,
            port: [PORTS.tls, PORTS.hbone, PORTS.h2r, PORTS.https, PORTS.http, PORTS.istiod],
          },
        }),
      );
    }
    needs.push(
      new ServiceV1(this, 'internal', {
        metadata: {
          name: MESH_GATEWAY.internalService,
          namespace,
          labels: serviceLabels,
          annotations: {
            'networking.gke.io/load-balancer-type': 'Internal',
            'cloud.google.com/load-balancer-type': 'Internal',
            // Cloud Run in other regions reaches it too.
            'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
          },
        },
        spec: {
          type: 'LoadBalancer',
          selector: SELECTOR,
          loadBalancerIp: props.internalAddress,
          port: [PORTS.tls, PORTS.tlsTunnel, PORTS.hbone, PORTS.h2r, PORTS.istiod],
        },
      }),
    );

    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: { name, namespace, labels: LABELS },
      spec: {
        replicas: '1',
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: {
            labels: { ...SELECTOR, istio: name, version: 'v2.2' },
            annotations: { 'inject.istio.io/templates': 'gateway' },
          },
          spec: {
            serviceAccountName: MESH_GATEWAY.serviceAccount,
            // The gate registers WorkloadEntries, reads endpoints and writes mesh-env with this token.
            automountServiceAccountToken: true,
            container: [
              {
                name: 'istio-proxy',
                image: props.image,
                imagePullPolicy: 'Always',
                env: [
                  {
                    name: 'WORKLOAD_NAMESPACE',
                    valueFrom: {
                      fieldRef: { fieldPath: 'metadata.namespace' },
                    },
                  },
                  { name: 'GRPC_XDS_BOOTSTRAP', value: GATE_GRPC_BOOTSTRAP },
                ],
                port: [
                  { name: PORTS.tls.name, containerPort: PORTS.tls.port },
                  { name: PORTS.h2r.name, containerPort: PORTS.h2r.port },
                ],
                resources: {
                  requests: { cpu: '10m', memory: '512Mi' },
                  limits: { cpu: '4', memory: '8G' },
                },
                securityContext: {
                  ...RESTRICTED_SECURITY_CONTEXT,
                  runAsUser: String(ISTIO_PROXY_UID),
                  runAsGroup: String(ISTIO_PROXY_UID),
                },
                // Envoy's readiness listener 15021, which forwards to pilot-agent's /healthz/ready on 15020, with the
                // timing of Istio's gateway template (1.27.0 values.yaml): an injector would keep ours, defaults and all.
                readinessProbe: {
                  httpGet: { path: '/healthz/ready', port: '15021' },
                  timeoutSeconds: 3,
                  periodSeconds: 15,
                  failureThreshold: 4,
                },
                // The gate's reverse HTTP/2 listener, open once the agent and its certificates are up (a startup probe
                // gives it five minutes). A gate that stopped listening, or never did, is restarted; one whose accept
                // loop ended with the socket still open (pkg/hbone/io.go ServeListener) is not: no probe sees that.
                startupProbe: { tcpSocket: [{ port: String(H2R_PORT) }], periodSeconds: 5, failureThreshold: 60 },
                livenessProbe: { tcpSocket: [{ port: String(H2R_PORT) }], periodSeconds: 10, failureThreshold: 3 },
                volumeMount: GATE_WRITABLE_DIRS.map((dir) => ({
                  name: GATE_STATE_VOLUME,
                  mountPath: dir,
                  subPath: dir.slice(1).replaceAll('/', '-'),
                })),
              },
            ],
            volume: [{ name: GATE_STATE_VOLUME, emptyDir: {} }],
          },
        },
      },
      dependsOn: needs,
    });

    this.addIstiodPassthrough();
  }

  /**
   * Without the public `hgate`, the gate would wait for its address forever before it writes mesh-env (krun 85cf58f,
   * pkg/meshconnectord/snigate.go WaitService, a loop with no timeout). It skips the wait when mesh-env already has
   * MCON_ADDR, and never replaces a value there (setIfEmpty). Terraform creates the ConfigMap with that key and then
   * leaves its data to the gate, which adds the other keys: kubernetes_manifest would plan to remove them on every run,
   * and then fail when they are still there after apply. Launchers use MCON_ADDR only to reach an in-cluster istiod
   * on port 15012, which internal-hgate serves too.
   */
  private seedMeshEnv(internalAddress: string): ConfigMapV1 {
    return new ConfigMapV1(this, 'mesh-env', {
      metadata: { ...MESH_ENV, labels: LABELS },
      data: { MCON_ADDR: internalAddress },
      lifecycle: { ignoreChanges: ['data'] },
    });
  }

  /** The gate's RBAC, as the seed's kustomization has it; returns the bindings. */
  private addRbac(): ITerraformDependable[] {
    const endpointsGet: PolicyRule = {
      apiGroups: [''],
      resources: ['services', 'endpoints'],
      verbs: ['get'],
    };
    const workloadEntries: PolicyRule = {
      apiGroups: ['networking.istio.io'],
      resources: ['workloadentries', 'workloadgroups'],
      verbs: ALL_WRITE_VERBS,
    };
    const autoregistration = new ClusterGrant(this, 'autoregistration', {
      name: 'autoregistration',
      bindingName: 'hgate-autoregistration',
      labels: LABELS,
      rules: [
        endpointsGet,
        workloadEntries,
        {
          apiGroups: [''],
          resources: ['services', 'endpoints'],
          verbs: ALL_WRITE_VERBS,
        },
        {
          apiGroups: ['discovery.k8s.io'],
          resources: ['endpointslices'],
          verbs: ALL_WRITE_VERBS,
        },
      ],
      subjects: [GATE],
    });
    const discovery = new ClusterGrant(this, 'discovery', {
      name: 'discovery',
      bindingName: 'hgate-discovery',
      labels: LABELS,
      rules: [
        endpointsGet,
        workloadEntries,
        {
          apiGroups: [''],
          resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: ['discovery.k8s.io'],
          resources: ['endpointslices'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
      subjects: [GATE],
    });
    const tokens = new NamespacedGrant(this, 'tokens', {
      name: 'hgate-default-tokens',
      bindingName: 'hgate-tokens-default',
      namespace,
      labels: LABELS,
      rules: [
        {
          apiGroups: [''],
          resources: ['serviceaccounts/token'],
          resourceNames: ['default'],
          verbs: ['create', 'get'],
        },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['istio-ca-root-cert', 'krun'],
          verbs: ['get'],
        },
      ],
      subjects: [GATE],
    });
    const serviceView = new NamespacedGrant(this, 'service-view', {
      name: 'hgate-service-view',
      namespace,
      labels: LABELS,
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps', 'services', 'endpoints'],
          verbs: ['get', 'list', 'watch', 'create', 'update'],
        },
      ],
      subjects: [GATE],
    });
    return [autoregistration.binding, discovery.binding, tokens.binding, serviceView.binding];
  }

  /** istiod's XDS and CA port 15012, passed through the gateway by SNI (the seed's hgate/istio.yaml). */
  private addIstiodPassthrough(): void {
    const gatewayName = 'hgate-istiod';
    new ValidatedManifest(this, 'istiod-gateway', {
      model: istio.gateway({
        metadata: { name: gatewayName, namespace },
        spec: {
          selector: { istio: name },
          servers: [
            {
              port: { number: 15012, name: 'tls-istiod', protocol: 'TLS' },
              tls: { mode: 'PASSTHROUGH' },
              hosts: ['*'],
            },
            {
              port: { number: 15008, name: 'https', protocol: 'HTTPS' },
              tls: { mode: 'ISTIO_MUTUAL' },
              hosts: ['*'],
            },
          ],
        },
      }),
    });
    new ValidatedManifest(this, 'istiod-route', {
      model: istio.virtualService({
        metadata: { name: gatewayName, namespace },
        spec: {
          hosts: ['*'],
          gateways: [gatewayName],
          tls: [
            {
              match: [{ port: 15012, sniHosts: ['istiod.istio-system.svc'] }],
              route: [{ destination: { host: ISTIOD_HOST, port: { number: 15012 } } }],
            },
          ],
        },
      }),
    });
    new ValidatedManifest(this, 'istiod-destination', {
      model: istio.destinationRule({
        metadata: { name: gatewayName, namespace },
        spec: {
          host: ISTIOD_HOST,
          // The gateway hands istiod the client's own TLS stream.
          trafficPolicy: {
            portLevelSettings: [{ port: { number: 15012 }, tls: { mode: 'DISABLE' } }],
          },
        },
      }),
    });
  }
}
