import { parse } from 'yaml';
import { BoundPort, checkPodPorts, ContainerPorts, declaredPorts, InjectedSidecar, ISTIO_PROXY, KNATIVE_QUEUE_PROXY } from '../../lib/k8s/pod-ports';
import { FORTIO_SERVER_PORTS } from '../../lib/mesh/fortio-sample';
import { envoyPorts, redisTlsTunnelBootstrap } from '../../lib/redis/tls-tunnel';
import { authProxyArgs, authProxyPorts } from '../../lib/sql/auth-proxy';
import { buildApp, exampleConfig, manifestOf, resourcesOf, TerraformJson } from '../support/app';

const INSTANCE = 'p:us-central1:db';

describe('checkPodPorts', () => {
  test("a sidecar on a port of Knative's queue-proxy stops synth, naming both and the free choice", () => {
    // The Auth Proxy's health server on its default port, as the connector pod had it.
    const proxy = authProxyPorts(authProxyArgs({ instanceConnectionName: INSTANCE, autoIamAuthn: false, healthCheckPort: 9090 }));
    expect(() =>
      checkPodPorts(
        'Knative Service interledger/connector',
        [
          { container: 'user-container', binds: [{ port: 8080, use: 'HTTP' }] },
          { container: 'cloud-sql-proxy', binds: proxy },
        ],
        [KNATIVE_QUEUE_PROXY],
      ),
    ).toThrow(
      'Knative Service interledger/connector: container cloud-sql-proxy binds port 9090 (health checks and metrics), but ' +
        'queue-proxy, which Knative Serving adds to the pod, binds it for autoscaling metrics; move cloud-sql-proxy to a ' +
        'port none of these use: 8008 (queue-proxy), 8012 (queue-proxy), 8013 (queue-proxy), ' +
        '8022 (queue-proxy), 8080 (user-container), 8112 (queue-proxy), 9090 (queue-proxy), 9091 (queue-proxy)',
    );
  });

  test('the same pod with the health server on 9191 passes', () => {
    const proxy = authProxyPorts(authProxyArgs({ instanceConnectionName: INSTANCE, autoIamAuthn: false, healthCheckPort: 9191 }));
    expect(() =>
      checkPodPorts('pod', [{ container: 'cloud-sql-proxy', binds: proxy }], [KNATIVE_QUEUE_PROXY, ISTIO_PROXY]),
    ).not.toThrow();
  });

  test("two of our containers on one port, and an Istio sidecar's port, are clashes too", () => {
    const redis = (container: string): ContainerPorts => ({ container, binds: [{ port: 6379, use: 'Redis' }] });
    expect(() => checkPodPorts('Deployment a/b', [redis('tunnel'), redis('cache')])).toThrow(
      'Deployment a/b: container cache binds port 6379 (Redis), but tunnel binds it for Redis;',
    );
    expect(() => checkPodPorts('Deployment a/b', [{ container: 'app', binds: [{ port: 15021, use: 'health' }] }], [ISTIO_PROXY])).toThrow(
      'binds port 15021 (health), but istio-proxy, which Istio sidecar injection adds to the pod, binds it for health checks',
    );
  });

  test('one process may name a port twice; a port outside 1-65535 is refused', () => {
    const twice: BoundPort[] = [
      { port: 8080, use: 'http' },
      { port: 8080, use: 'metrics' },
    ];
    expect(() => checkPodPorts('pod', [{ container: 'app', binds: twice }])).not.toThrow();
    expect(() => checkPodPorts('pod', [{ container: 'app', binds: [{ port: 70000, use: 'http' }] }])).toThrow(
      'pod: container app binds port 70000 (http); a port is an integer from 1 to 65535',
    );
  });
});

describe('ports read from what a container runs', () => {
  test('the Auth Proxy: its listener, the health server only with --health-check, the admin server with --quitquitquit', () => {
    const plain = authProxyArgs({ instanceConnectionName: INSTANCE, autoIamAuthn: false });
    expect(plain).not.toContain('--health-check');
    expect(authProxyPorts(plain)).toEqual([{ port: 5432, use: 'database connections' }]);
    expect(authProxyPorts(authProxyArgs({ instanceConnectionName: INSTANCE, autoIamAuthn: false, quitQuitQuit: true }))).toEqual([
      { port: 5432, use: 'database connections' },
      { port: 9091, use: 'its admin server' },
    ]);
    // The proxy's own defaults when a flag opens a server without naming its port (cmd/root.go).
    expect(authProxyPorts(['--port=5432', '--health-check', '--debug', INSTANCE]).map((p) => p.port)).toEqual([5432, 9090, 9091]);
    expect(() => authProxyPorts([INSTANCE])).toThrow('the Cloud SQL Auth Proxy arguments must set --port');
  });

  test('Envoy: its listeners, and an admin interface only when the bootstrap has one', () => {
    const tunnel = redisTlsTunnelBootstrap('10.0.0.3');
    expect(envoyPorts(tunnel)).toEqual([{ port: 6379, use: 'its listener redis' }]);
    expect(envoyPorts({ ...tunnel, admin: { address: { socket_address: { port_value: 9901 } } } })).toContainEqual({
      port: 9901,
      use: 'its admin interface',
    });
  });

  test('declared container ports, in either spelling', () => {
    expect(declaredPorts([{ containerPort: 8080, name: 'http' }, { containerPort: 8079 }])).toEqual([
      { port: 8080, use: 'http' },
      { port: 8079, use: 'its declared port' },
    ]);
    expect(declaredPorts(undefined)).toEqual([]);
  });
});

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { containerPort: number; name?: string }[];
  /** The kubernetes provider's spelling in synthesized JSON. */
  port?: { container_port: number; name?: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
  volume_mount?: { name: string; mount_path: string }[];
}

/** What a synthesized container binds: declared ports, and what the Auth Proxy's flags or Envoy's bootstrap open. */
function boundBy(container: Container, envoyBootstrap?: Record<string, unknown>): ContainerPorts {
  const binds = declaredPorts(
    container.ports ?? container.port?.map(({ container_port, name }) => ({ containerPort: container_port, name })),
  );
  if (container.image.includes('fortio/fortio')) binds.push(...FORTIO_SERVER_PORTS);
  if (container.image.includes('cloud-sql-proxy')) binds.push(...authProxyPorts(container.args ?? []));
  if (container.image.includes('envoyproxy/envoy')) {
    if (!envoyBootstrap) throw new Error(`no bootstrap for ${container.name}`);
    binds.push(...envoyPorts(envoyBootstrap));
  }
  return { container: container.name, binds };
}

interface Pod {
  name: string;
  containers: ContainerPorts[];
  injected: InjectedSidecar[];
}

/** Every pod the example config's stacks run, read back from the synthesized output. */
function podsOf(stacks: Record<string, TerraformJson>): Pod[] {
  const pods: Pod[] = [];
  const app = stacks['ilp-connector-app'];
  const tunnel = parse(
    (resourcesOf(app, 'kubernetes_config_map_v1')['redis-tunnel-config'].data as Record<string, string>)['envoy.yaml'],
  ) as Record<string, unknown>;
  const ksvc = manifestOf(app, 'connector') as { spec: { template: { spec: { containers: Container[] } } } };
  pods.push({
    name: 'Knative Service connector',
    containers: ksvc.spec.template.spec.containers.map((c) => boundBy(c, tunnel)),
    injected: [KNATIVE_QUEUE_PROXY],
  });

  type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec: { container: Container[] } };
  for (const [stack, type] of [
    ['cloudrun-mesh-k8s', 'kubernetes_deployment_v1'],
    ['skypilot-app', 'kubernetes_job_v1'],
  ] as const) {
    for (const [name, resource] of Object.entries(resourcesOf(stacks[stack], type))) {
      const template = (resource.spec as { template: PodTemplate }).template;
      const containers = template.spec.container;
      // A pod labelled istio.io/rev gets the sidecar; the gateway's own container is the injected proxy.
      const injected = template.metadata?.labels?.['istio.io/rev'] ? [ISTIO_PROXY] : [];
      pods.push({ name: `${stack} ${name}`, containers: containers.map((c) => boundBy(c)), injected });
    }
  }

  const values = parse((resourcesOf(stacks['skypilot-app'], 'helm_release').skypilot.values as string[])[0]) as {
    extraInitContainers: Container[];
  };
  pods.push({
    name: 'SkyPilot API server',
    containers: [
      // The chart's main container (templates/api-deployment.yaml).
      { container: 'skypilot-api', binds: [{ port: 46580, use: 'the API server' }] },
      ...values.extraInitContainers.map((c) => boundBy(c)),
    ],
    injected: [],
  });
  return pods;
}

describe('the pods the blueprints run', () => {
  const built = buildApp(exampleConfig());
  const stacks = Object.fromEntries(
    ['ilp-connector-app', 'cloudrun-mesh-k8s', 'skypilot-app'].map((name) => [name, built.json(name)]),
  );
  const pods = podsOf(stacks);

  test('every container binds only ports no other process of its pod binds, injected sidecars included', () => {
    expect(pods.map((p) => p.name).sort()).toEqual([
      'Knative Service connector',
      'SkyPilot API server',
      'cloudrun-mesh-k8s fortio_deployment',
      'cloudrun-mesh-k8s gateway_deployment',
      'skypilot-app grant',
    ]);
    for (const pod of pods) expect(() => checkPodPorts(pod.name, pod.containers, pod.injected)).not.toThrow();
    // The connector's sidecars, as the check sees them.
    const connector = pods.find((p) => p.name === 'Knative Service connector')!;
    expect(Object.fromEntries(connector.containers.map((c) => [c.container, c.binds.map((b) => b.port)]))).toEqual({
      'user-container': [8080],
      'cloud-sql-proxy': [5432, 9191],
      'redis-tls': [6379],
    });
    expect(pods.find((p) => p.name === 'cloudrun-mesh-k8s fortio_deployment')!.injected).toEqual([ISTIO_PROXY]);
  });

  test("the check reads the output: the proxy's old --http-port=9090 in the connector pod fails it", () => {
    const connector = pods.find((p) => p.name === 'Knative Service connector')!;
    const ksvc = manifestOf(stacks['ilp-connector-app'], 'connector') as {
      spec: { template: { spec: { containers: Container[] } } };
    };
    const proxy = ksvc.spec.template.spec.containers.find((c) => c.name === 'cloud-sql-proxy')!;
    const old = { ...proxy, args: proxy.args!.map((a) => (a === '--http-port=9191' ? '--http-port=9090' : a)) };
    const containers = connector.containers.map((c) => (c.container === 'cloud-sql-proxy' ? boundBy(old) : c));
    expect(() => checkPodPorts(connector.name, containers, connector.injected)).toThrow(
      'container cloud-sql-proxy binds port 9090 (health checks and metrics), but queue-proxy',
    );
  });
});
