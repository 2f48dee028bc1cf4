import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Construct } from 'constructs';
import { parseCidr } from './ipv4';

export interface PrivateServicesAccessProps {
  readonly project: string;
  /** Id of the VPC that gets the peering. */
  readonly network: string;
  /** Name of the reserved range. */
  readonly rangeName: string;
  /** Range reserved for the producer services (Cloud SQL, Memorystore): at least a /24. */
  readonly cidr: string;
}

/**
 * Private services access for one VPC: a reserved internal range and the peering with Google's service producer
 * network, so Cloud SQL and Memorystore get private addresses only. It belongs to the VPC, not to one database:
 * every private service of the VPC shares it.
 */
export class PrivateServicesAccess extends Construct {
  readonly range: ComputeGlobalAddress;
  readonly connection: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: PrivateServicesAccessProps) {
    super(scope, id);
    const cidr = parseCidr(props.cidr);
    if (!cidr || cidr.prefixLength > 24) {
      throw new Error(`private services range must be an IPv4 CIDR of /24 or larger (got "${props.cidr}")`);
    }
    this.range = new ComputeGlobalAddress(this, 'range', {
      name: props.rangeName,
      project: props.project,
      network: props.network,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      address: props.cidr.split('/')[0],
      prefixLength: cidr.prefixLength,
    });
    this.connection = new ServiceNetworkingConnection(this, 'Resource', {
      network: props.network,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [this.range.name],
      // Deleting the peering fails while Google still holds producer resources (a deleted instance lingers for days);
      // abandoning it lets `destroy` finish, and the peering goes with the VPC.
      deletionPolicy: 'ABANDON',
    });
  }
}
