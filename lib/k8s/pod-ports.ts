/** A port a process binds in the pod's network namespace, which every container of the pod shares. */
export interface BoundPort {
  readonly port: number;
  /** What the port is for, as error messages name it. */
  readonly use: string;
}

/** One container of our pod spec and every port its process binds: declared ports and those its flags open. */
export interface ContainerPorts {
  readonly container: string;
  readonly binds: readonly BoundPort[];
}

/** A container that a controller or admission webhook adds to the pod after we hand it over. */
export interface InjectedSidecar {
  readonly container: string;
  readonly injectedBy: string;
  readonly binds: readonly BoundPort[];
}

/**
 * Knative Serving's queue-proxy, added to every revision's pod; it listens on all addresses. Ports from knative/serving
 * at knative-v1.18.0 (a4c4491): pkg/networking/constants.go (8012 or, for h2c, 8013; 8112 with system-internal-tls;
 * admin 8022; metrics 9090 and 9091), vendor/knative.dev/pkg/profiling/server.go (8008, when profiling is on), bound
 * in pkg/queue/sharedmain/main.go. The webhook refuses 8008, 8012, 8013, 8022, 9090 and 9091 as a declared port
 * (pkg/apis/serving/k8s_validation.go) but cannot see a port a sidecar's flags open: that is what this check is for.
 */
export const KNATIVE_QUEUE_PROXY: InjectedSidecar = {
  container: 'queue-proxy',
  injectedBy: 'Knative Serving',
  binds: [
    { port: 8008, use: 'profiling' },
    { port: 8012, use: 'HTTP to the user container' },
    { port: 8013, use: 'HTTP/2 to the user container' },
    { port: 8022, use: 'its admin server' },
    { port: 8112, use: 'HTTPS with system-internal-tls' },
    { port: 9090, use: 'autoscaling metrics' },
    { port: 9091, use: 'user metrics' },
  ],
};

/**
 * Istio's sidecar (istio-proxy: pilot-agent and Envoy), added to pods of a namespace or pod labelled for injection.
 * Ports from Istio's "Ports used by Istio" (istio.io/latest/docs/ops/deployment/application-requirements/), checked in
 * istio/istio 1.27.0; 15004 is bound up to Istio 1.24 only, kept because a managed mesh's version is not ours to pin.
 */
export const ISTIO_PROXY: InjectedSidecar = {
  container: 'istio-proxy',
  injectedBy: 'Istio sidecar injection',
  binds: [
    { port: 15000, use: "Envoy's admin interface" },
    { port: 15001, use: 'outbound traffic' },
    { port: 15004, use: 'debug (Istio 1.24 and earlier)' },
    { port: 15006, use: 'inbound traffic' },
    { port: 15008, use: 'HBONE mTLS tunnel' },
    { port: 15020, use: 'merged Prometheus telemetry' },
    { port: 15021, use: 'health checks' },
    { port: 15053, use: 'DNS proxy' },
    { port: 15090, use: 'Envoy Prometheus telemetry' },
  ],
};

/** Every port declared in a container's `ports` (Kubernetes API and kubernetes provider spelling). */
export function declaredPorts(ports: readonly { containerPort: number; name?: string }[] | undefined): BoundPort[] {
  return (ports ?? []).map(({ containerPort, name }) => ({ port: containerPort, use: name ?? 'its declared port' }));
}

/**
 * Fails when two processes of one pod would bind the same port: the second gets EADDRINUSE and, for most servers,
 * exits, so the pod crash-loops. `pod` names the workload in the message; `injected` are the sidecars the platform adds.
 * Addresses are not compared: a wildcard listener (queue-proxy's, Envoy's) takes the port on 127.0.0.1 too.
 */
export function checkPodPorts(
  pod: string,
  containers: readonly ContainerPorts[],
  injected: readonly InjectedSidecar[] = [],
): void {
  const owners = new Map<number, { container: string; use: string; injectedBy?: string }>();
  for (const sidecar of injected) {
    for (const { port, use } of sidecar.binds) owners.set(port, { container: sidecar.container, use, injectedBy: sidecar.injectedBy });
  }
  for (const { container, binds } of containers) {
    const ownPorts = new Set<number>();
    for (const { port, use } of binds) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${pod}: container ${container} binds port ${port} (${use}); a port is an integer from 1 to 65535`);
      }
      if (ownPorts.has(port)) continue; // the same process listening on one port for two names
      ownPorts.add(port);
      const owner = owners.get(port);
      if (owner) {
        const by = owner.injectedBy ? `, which ${owner.injectedBy} adds to the pod,` : '';
        throw new Error(
          `${pod}: container ${container} binds port ${port} (${use}), but ${owner.container}${by} binds it for ` +
            `${owner.use}; move ${container} to a port none of these use: ${takenPorts(owners)}`,
        );
      }
    }
    for (const { port, use } of binds) if (!owners.has(port)) owners.set(port, { container, use });
  }
}

function takenPorts(owners: Map<number, { container: string }>): string {
  return [...owners]
    .sort(([a], [b]) => a - b)
    .map(([port, { container }]) => `${port} (${container})`)
    .join(', ');
}
