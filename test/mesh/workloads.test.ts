import { TerraformStack, Testing } from 'cdktf';
import { ISTIO_PROXY } from '../../lib/k8s/pod-ports';
import { UNPRIVILEGED_UID } from '../../lib/k8s/pod';
import {
  GATE_CERTS_DIR,
  GATE_GRPC_BOOTSTRAP,
  GATE_WRITABLE_DIRS,
  ISTIO_PROXY_UID,
  MeshConnectorGateway,
} from '../../lib/mesh/connector-gateway';
import { FORTIO_DATA_DIR, FORTIO_SERVER_PORTS, FortioSample } from '../../lib/mesh/fortio-sample';
import { testApp } from '../support/app';

type Attrs = Record<string, unknown>;
interface PodSpec {
  automount_service_account_token?: boolean;
  container: Attrs[];
  volume?: Attrs[];
}

/** The pod spec of the one Deployment `build` adds to a fresh stack, as synthesized. */
function podSpec(build: (stack: TerraformStack) => void): PodSpec {
  const stack = new TerraformStack(testApp(), 'test');
  build(stack);
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: { kubernetes_deployment_v1: Record<string, { spec: { template: { spec: PodSpec } } }> };
  };
  const [deployment] = Object.values(json.resource.kubernetes_deployment_v1);
  return deployment.spec.template.spec;
}

describe('fortio, as fortio/fortio v1.69.4 runs', () => {
  const pod = podSpec(
    (stack) =>
      new FortioSample(stack, 'fortio', {
        namespace: 'fortio',
        image: 'fortio/fortio:1.69.4',
        istioRevision: 'asm-managed',
      }),
  );
  const [fortio] = pod.container;

  test('the image is FROM scratch with no USER (root), so the pod names a UID; any does, there being no /etc/passwd', () => {
    expect(fortio.security_context).toMatchObject({ run_as_non_root: true, run_as_user: String(UNPRIVILEGED_UID) });
  });

  test('results are saved in its working directory, an emptyDir under a read-only root', () => {
    expect(fortio.security_context).toMatchObject({ read_only_root_filesystem: true });
    expect(fortio.volume_mount).toEqual([{ name: 'data', mount_path: FORTIO_DATA_DIR }]);
    expect(pod.volume).toEqual([{ name: 'data', empty_dir: {} }]);
  });

  test('probes GET the echo server, which answers 200 on any path', () => {
    const echo = FORTIO_SERVER_PORTS.find((p) => p.use.startsWith('HTTP echo'))!;
    for (const probe of [fortio.liveness_probe, fortio.readiness_probe]) {
      expect(probe).toMatchObject({ http_get: { path: '/', port: String(echo.port) } });
    }
    expect(pod.automount_service_account_token).toBe(false);
  });
});

describe('the krun gate (hgate), as krun 85cf58f runs it without injection', () => {
  const pod = podSpec(
    (stack) =>
      new MeshConnectorGateway(stack, 'gateway', {
        image: 'r/gate:85cf58f',
        internalAddress: '10.0.0.9',
        external: false,
      }),
  );
  const [gate] = pod.container;
  const env = Object.fromEntries((gate.env as Attrs[]).map((e) => [e.name, e.value]));

  test("runs as Istio's proxy user, as the gateway template sets it from Istio 1.20 on, whatever the injector's version", () => {
    expect(ISTIO_PROXY_UID).toBe(1337);
    expect(gate.security_context).toMatchObject({
      run_as_user: '1337',
      run_as_group: '1337',
      run_as_non_root: true,
      read_only_root_filesystem: true,
    });
  });

  test('every directory krun and pilot-agent write, not being root, is an emptyDir: certificates, tokens, bootstrap', () => {
    // krun 85cf58f StartIstioAgent creates these under ./ when not root; pilot-agent 1.12.9 keeps its bootstrap and
    // sockets in ./etc/istio/proxy; krun writes the istio-token to ./var/run/secrets/tokens (pkg/mesh/krun.go).
    expect(GATE_WRITABLE_DIRS).toEqual(
      expect.arrayContaining(['/etc/istio/proxy', '/etc/istio/pod', '/var/run/secrets/istio', '/var/run/secrets/istio.io',
        '/var/run/secrets/mesh', '/var/run/secrets/tokens']),
    );
    expect(gate.volume_mount).toEqual(
      GATE_WRITABLE_DIRS.map((dir) => ({ name: 'gate-state', mount_path: dir, sub_path: dir.slice(1).replaceAll('/', '-') })),
    );
    expect(pod.volume).toEqual([{ name: 'gate-state', empty_dir: {} }]);
    expect(GATE_GRPC_BOOTSTRAP.startsWith(`${GATE_CERTS_DIR}/`)).toBe(true);
    expect(GATE_WRITABLE_DIRS).toContain(GATE_CERTS_DIR);
    expect(env.GRPC_XDS_BOOTSTRAP).toBe(GATE_GRPC_BOOTSTRAP);
  });

  test("readiness is Envoy's 15021 with the gateway template's timing; liveness the reverse HTTP/2 listener", () => {
    expect(ISTIO_PROXY.binds.find((b) => b.port === 15021)?.use).toBe('health checks');
    expect(gate.readiness_probe).toEqual({
      http_get: { path: '/healthz/ready', port: '15021' },
      timeout_seconds: 3,
      period_seconds: 15,
      failure_threshold: 4,
    });
    const h2r = (gate.port as Attrs[]).find((p) => p.name === 'https-h2r')!.container_port;
    expect(gate.liveness_probe).toMatchObject({ tcp_socket: [{ port: String(h2r) }] });
    expect(gate.startup_probe).toMatchObject({ tcp_socket: [{ port: String(h2r) }] });
  });

  test('it calls the Kubernetes API with its pod token', () => {
    expect(pod.automount_service_account_token).toBe(true);
  });
});
