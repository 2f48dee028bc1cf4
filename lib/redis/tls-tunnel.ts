import type { BoundPort } from '../k8s/pod-ports';
import { MEMORYSTORE_TLS_PORT } from './memorystore';

/** Where a client without TLS finds Redis when the tunnel runs: plain Redis on the pod's loopback. */
export const REDIS_TUNNEL_LISTENER = { host: '127.0.0.1', port: 6379 } as const;
/** Where the tunnel container finds its bootstrap (a ConfigMap volume). */
export const REDIS_TUNNEL_CONFIG = { dir: '/etc/redis-tunnel', file: 'envoy.yaml' } as const;
/** Mount path of Memorystore's CA certificates in the tunnel container. */
export const MEMORYSTORE_CA_DIR = '/etc/memorystore';
export const MEMORYSTORE_CA_FILE = 'ca.pem';

/**
 * Envoy's bootstrap for a TLS tunnel to Memorystore's in-transit encryption port: a TCP proxy on 127.0.0.1:6379 that
 * opens TLS to the instance, trusting only its CA. It relays bytes and knows nothing of Redis, so every command passes,
 * SUBSCRIBE and INFO included (Envoy's redis_proxy filter answers only request/response commands: it drops pub/sub).
 * AUTH is the client's own. No admin interface is opened.
 */
export function redisTlsTunnelBootstrap(memorystoreHost: string): Record<string, unknown> {
  return {
    static_resources: {
      listeners: [
        {
          name: 'redis',
          address: { socket_address: { address: REDIS_TUNNEL_LISTENER.host, port_value: REDIS_TUNNEL_LISTENER.port } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.tcp_proxy',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
                    stat_prefix: 'memorystore',
                    cluster: 'memorystore',
                    // The default closes a connection idle for an hour: a quiet pub/sub subscription would be cut
                    // and what is published before the client subscribes again would be lost.
                    idle_timeout: '0s',
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: 'memorystore',
          type: 'STATIC',
          connect_timeout: '5s',
          load_assignment: {
            cluster_name: 'memorystore',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: memorystoreHost, port_value: MEMORYSTORE_TLS_PORT } } } },
                ],
              },
            ],
          },
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
              common_tls_context: {
                validation_context: { trusted_ca: { filename: `${MEMORYSTORE_CA_DIR}/${MEMORYSTORE_CA_FILE}` } },
              },
            },
          },
        },
      ],
    },
  };
}

/** The ports an Envoy started with `bootstrap` binds: its listeners, and its admin interface when one is set. */
export function envoyPorts(bootstrap: Record<string, unknown>): BoundPort[] {
  type SocketAddress = { socket_address: { port_value: number } };
  const { static_resources, admin } = bootstrap as {
    static_resources?: { listeners?: { name: string; address: SocketAddress }[] };
    admin?: { address: SocketAddress };
  };
  const ports = (static_resources?.listeners ?? []).map(({ name, address }) => ({
    port: address.socket_address.port_value,
    use: `its listener ${name}`,
  }));
  if (admin) ports.push({ port: admin.address.socket_address.port_value, use: 'its admin interface' });
  return ports;
}
