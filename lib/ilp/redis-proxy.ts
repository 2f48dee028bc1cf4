import { MEMORYSTORE_TLS_PORT } from '../redis/memorystore';

/** Where the connector finds Redis when the proxy runs: plain Redis on the pod's loopback. */
export const REDIS_PROXY_LISTENER = { host: '127.0.0.1', port: 6379 } as const;
/** Where the proxy container finds its bootstrap (a ConfigMap volume). */
export const REDIS_PROXY_CONFIG = { dir: '/etc/redis-proxy', file: 'envoy.yaml' } as const;
/** Environment variable the proxy reads the AUTH string from. */
export const REDIS_AUTH_ENV = 'REDIS_AUTH';
/** Mount path of Memorystore's CA certificates in the proxy container. */
export const MEMORYSTORE_CA_DIR = '/etc/memorystore';
export const MEMORYSTORE_CA_FILE = 'ca.pem';

export interface RedisProxyOptions {
  /** Memorystore's private address (may be a token). */
  readonly host: string;
  /** Send AUTH with the string in $REDIS_AUTH. */
  readonly auth: boolean;
  /** TLS to port 6378, trusting the CA file; otherwise plain to 6379. */
  readonly tls: boolean;
}

/**
 * Envoy's bootstrap for a Redis proxy on 127.0.0.1:6379 that forwards to Memorystore with AUTH and TLS. The connector
 * needs it: its Redis client neither speaks TLS nor sends a password (it reads `redis.password` through a placeholder
 * that never resolves), and without Redis it silently keeps balances in memory. No admin interface is opened.
 */
export function redisProxyBootstrap(options: RedisProxyOptions): Record<string, unknown> {
  if (!options.auth && !options.tls) {
    throw new Error('the Redis proxy is only needed for AUTH or TLS; connect to Memorystore directly otherwise');
  }
  const cluster: Record<string, unknown> = {
    name: 'memorystore',
    type: 'STATIC',
    connect_timeout: '5s',
    load_assignment: {
      cluster_name: 'memorystore',
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: {
                address: {
                  socket_address: { address: options.host, port_value: options.tls ? MEMORYSTORE_TLS_PORT : 6379 },
                },
              },
            },
          ],
        },
      ],
    },
  };
  if (options.auth) {
    cluster.typed_extension_protocol_options = {
      'envoy.filters.network.redis_proxy': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProtocolOptions',
        auth_password: { environment_variable: REDIS_AUTH_ENV },
      },
    };
  }
  if (options.tls) {
    cluster.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: {
          validation_context: { trusted_ca: { filename: `${MEMORYSTORE_CA_DIR}/${MEMORYSTORE_CA_FILE}` } },
        },
      },
    };
  }
  return {
    static_resources: {
      listeners: [
        {
          name: 'redis',
          address: { socket_address: { address: REDIS_PROXY_LISTENER.host, port_value: REDIS_PROXY_LISTENER.port } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.redis_proxy',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy',
                    stat_prefix: 'memorystore',
                    settings: { op_timeout: '5s' },
                    prefix_routes: { catch_all_route: { cluster: 'memorystore' } },
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [cluster],
    },
  };
}
