import { Construct } from 'constructs';
import { Vpc } from '../network/vpc';

export interface ClusterNetworkProps {
  /** VPC and subnet name. */
  readonly name: string;
  readonly project: string;
  readonly region: string;
  /** Node addresses (the subnet's primary range). */
  readonly nodesCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
}

/**
 * The VPC a VPC-native GKE cluster lives in: one subnet whose secondary ranges hold pods and services, and Cloud NAT,
 * since private nodes reach registries outside Google only through it. Spread `clusterNetworking` into GkeCluster.
 */
export class ClusterNetwork extends Construct {
  readonly vpc: Vpc;
  readonly clusterNetworking: {
    readonly network: string;
    readonly subnetwork: string;
    readonly podsRangeName: string;
    readonly servicesRangeName: string;
  };

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    const podsRangeName = 'pods';
    const servicesRangeName = 'services';
    this.vpc = new Vpc(this, 'Resource', {
      name: props.name,
      project: props.project,
      region: props.region,
      subnets: {
        [props.name]: {
          cidr: props.nodesCidr,
          secondaryRanges: { [podsRangeName]: props.podsCidr, [servicesRangeName]: props.servicesCidr },
        },
      },
      nat: true,
    });
    this.clusterNetworking = {
      network: this.vpc.network.id,
      subnetwork: this.vpc.subnets[props.name].id,
      podsRangeName,
      servicesRangeName,
    };
  }
}
