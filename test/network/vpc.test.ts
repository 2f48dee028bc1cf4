import { TerraformStack, Testing } from 'cdktf';
import { Vpc } from '../../lib/network/vpc';
import { testApp } from '../support/app';

function vpc(subnets: ConstructorParameters<typeof Vpc>[2]['subnets'], nat = false) {
  const stack = new TerraformStack(testApp(), 'test');
  new Vpc(stack, 'network', { name: 'net', project: 'p-123456', region: 'us-central1', subnets, nat });
  return JSON.parse(Testing.synth(stack));
}

describe('Vpc', () => {
  test('custom mode, flow logs and Private Google Access on every subnet, NAT on request', () => {
    const json = vpc({ a: { cidr: '10.0.0.0/24' }, b: { cidr: '10.0.1.0/24' } }, true);
    expect(Object.values(json.resource.google_compute_network)).toEqual([
      expect.objectContaining({ auto_create_subnetworks: false }),
    ]);
    for (const subnet of Object.values(json.resource.google_compute_subnetwork) as Record<string, unknown>[]) {
      expect(subnet).toMatchObject({ private_ip_google_access: true, log_config: expect.any(Object) });
    }
    expect(Object.keys(json.resource.google_compute_router_nat)).toHaveLength(1);
    expect(vpc({ a: { cidr: '10.0.0.0/24' } }).resource.google_compute_router_nat).toBeUndefined();
  });

  test('overlapping ranges are refused, naming both', () => {
    expect(() => vpc({ a: { cidr: '10.0.0.0/16', secondaryRanges: { pods: '10.0.128.0/17' } } })).toThrow(
      'a primary range 10.0.0.0/16 overlaps a range pods 10.0.128.0/17; subnet ranges must be disjoint',
    );
    expect(() => vpc({ a: { cidr: '10.0.0.0/33' } })).toThrow(
      'a primary range must be an IPv4 CIDR such as 10.0.0.0/24 (got "10.0.0.0/33")',
    );
  });
});
