import { ITerraformDependable } from 'cdktf';
import { RedisInstance } from '@cdktf/provider-google/lib/redis-instance';
import { Construct } from 'constructs';

/** Port Memorystore serves TLS on when in-transit encryption is on; plain Redis uses 6379. */
export const MEMORYSTORE_TLS_PORT = 6378;

export interface MemorystoreRedisProps {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  /** Zone of the (primary) node; put it next to its clients. @default Memorystore picks one */
  readonly zone?: string;
  /** @default BASIC */
  readonly tier?: 'BASIC' | 'STANDARD_HA';
  /** @default 1 */
  readonly memorySizeGb?: number;
  /** Such as REDIS_7_2. */
  readonly version: string;
  /** Id of the VPC the instance is reached from. */
  readonly network: string;
  /** The VPC's private services access connection: the instance takes its address from that range. */
  readonly privateServicesAccess: ITerraformDependable;
  /**
   * Require Redis AUTH; Memorystore generates the AUTH string (attribute `auth_string`).
   * @default true (CKV_GCP_95)
   */
  readonly authEnabled?: boolean;
  /**
   * TLS with server authentication on port 6378; clients trust the instance's `server_ca_certs`.
   * @default true (CKV_GCP_97)
   */
  readonly transitEncryption?: boolean;
}

/**
 * A Memorystore for Redis instance on a private address only (private services access, shared with Cloud SQL),
 * with AUTH and TLS unless turned off. Memorystore has no public endpoint at all.
 */
export class MemorystoreRedis extends Construct {
  readonly instance: RedisInstance;
  readonly authEnabled: boolean;
  readonly transitEncryption: boolean;

  constructor(scope: Construct, id: string, props: MemorystoreRedisProps) {
    super(scope, id);
    this.authEnabled = props.authEnabled ?? true;
    this.transitEncryption = props.transitEncryption ?? true;
    this.instance = new RedisInstance(this, 'Resource', {
      name: props.name,
      project: props.project,
      region: props.region,
      locationId: props.zone,
      tier: props.tier ?? 'BASIC',
      memorySizeGb: props.memorySizeGb ?? 1,
      redisVersion: props.version,
      authorizedNetwork: props.network,
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authEnabled: this.authEnabled,
      transitEncryptionMode: this.transitEncryption ? 'SERVER_AUTHENTICATION' : 'DISABLED',
      dependsOn: [props.privateServicesAccess],
    });
  }
}
