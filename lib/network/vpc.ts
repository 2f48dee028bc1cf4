import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { cidrsOverlap, parseCidr } from './ipv4';

export interface SubnetProps {
  readonly cidr: string;
  /** Named secondary ranges (GKE pods and services), name -> CIDR. @default none */
  readonly secondaryRanges?: Readonly<Record<string, string>>;
}

export interface VpcProps {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  /** Subnets by name, all in `region`. Flow logs (CKV_GCP_26) and Private Google Access (CKV_GCP_74) are on. */
  readonly subnets: Readonly<Record<string, SubnetProps>>;
  /**
   * Cloud Router + Cloud NAT so machines without public addresses reach the internet (image registries).
   * @default false
   */
  readonly nat?: boolean;
  /** Cloud Router name, with `nat`. @default `<name>-router` */
  readonly routerName?: string;
  /** Cloud NAT name, with `nat`. @default `<name>-nat` */
  readonly natName?: string;
}

/** A custom-mode VPC with regional subnets and, optionally, NAT egress. */
export class Vpc extends Construct {
  readonly network: ComputeNetwork;
  readonly subnets: Record<string, ComputeSubnetwork> = {};
  /** Internet egress of machines without a public address, when `nat` is on. */
  readonly nat?: ComputeRouterNat;
  /** The Cloud Router that holds `nat`, when `nat` is on. */
  readonly router?: ComputeRouter;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    checkRangesDisjoint(props.subnets);
    this.network = new ComputeNetwork(this, 'Resource', {
      name: props.name,
      project: props.project,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
    });
    for (const [name, subnet] of Object.entries(props.subnets)) {
      const secondaryRanges = Object.entries(subnet.secondaryRanges ?? {}).map(([rangeName, ipCidrRange]) => ({
        rangeName,
        ipCidrRange,
      }));
      this.subnets[name] = new ComputeSubnetwork(this, name, {
        name,
        project: props.project,
        region: props.region,
        network: this.network.id,
        ipCidrRange: subnet.cidr,
        privateIpGoogleAccess: true,
        // Omitted rather than empty: HCL cannot write an empty list of blocks, and JSON and HCL must agree.
        secondaryIpRange: secondaryRanges.length > 0 ? secondaryRanges : undefined,
        logConfig: { aggregationInterval: 'INTERVAL_10_MIN', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
      });
    }
    if (props.nat) {
      const router = new ComputeRouter(this, 'router', {
        name: props.routerName ?? `${props.name}-router`,
        project: props.project,
        region: props.region,
        network: this.network.id,
      });
      this.nat = new ComputeRouterNat(this, 'nat', {
        name: props.natName ?? `${props.name}-nat`,
        project: props.project,
        region: props.region,
        router: router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      });
      this.router = router;
    }
  }
}

function checkRangesDisjoint(subnets: Readonly<Record<string, SubnetProps>>): void {
  const ranges = Object.entries(subnets).flatMap(([subnet, props]) => [
    { label: `${subnet} primary range`, cidr: props.cidr },
    ...Object.entries(props.secondaryRanges ?? {}).map(([name, cidr]) => ({ label: `${subnet} range ${name}`, cidr })),
  ]);
  const parsed = ranges.map((range) => {
    const cidr = parseCidr(range.cidr);
    if (!cidr) throw new Error(`${range.label} must be an IPv4 CIDR such as 10.0.0.0/24 (got "${range.cidr}")`);
    return { ...range, parsed: cidr };
  });
  parsed.forEach((a, i) =>
    parsed.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.parsed, b.parsed)) {
        throw new Error(`${a.label} ${a.cidr} overlaps ${b.label} ${b.cidr}; subnet ranges must be disjoint`);
      }
    }),
  );
}
