import { attribute, Rule } from './rule';

/** Projects' default network, subnets and firewall rules (CIS GCP 3.x). */
export const NETWORK_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_27',
    resourceTypes: ['google_project'],
    check: (a) =>
      a.auto_create_network === false ? undefined : 'the project gets the auto-mode default network with open firewall rules',
    fix: 'set auto_create_network = false and create a custom-mode VPC',
  },
  {
    id: 'CKV_GCP_26',
    resourceTypes: ['google_compute_subnetwork'],
    check: (a) => (attribute(a, 'log_config') !== undefined ? undefined : 'VPC flow logs are off'),
    fix: 'set log_config { aggregation_interval, flow_sampling, metadata }',
  },
  {
    id: 'CKV_GCP_74',
    resourceTypes: ['google_compute_subnetwork'],
    check: (a) => (a.private_ip_google_access === true ? undefined : 'Private Google Access is off'),
    fix: 'set private_ip_google_access = true',
  },
  {
    id: 'AVD-GCP-0027',
    resourceTypes: ['google_compute_firewall'],
    check: (a) => {
      const ingress = (a.direction ?? 'INGRESS') === 'INGRESS' && a.disabled !== true && attribute(a, 'allow') !== undefined;
      const ranges = Array.isArray(a.source_ranges) ? a.source_ranges : [];
      return ingress && ranges.some((r) => r === '0.0.0.0/0' || r === '::/0')
        ? `allows ingress from anywhere (${ranges.join(', ')})`
        : undefined;
    },
    fix: 'list the source CIDRs that need access in source_ranges',
  },
  {
    id: 'CKV2_GCP_2',
    resourceTypes: ['google_compute_network'],
    // checkov passes an absent value; the provider's default is an auto-mode network, so we want false written.
    check: (a) =>
      a.auto_create_subnetworks === false
        ? undefined
        : 'an auto-mode network: a subnet in every region from fixed ranges (auto_create_subnetworks is not false)',
    fix: 'set auto_create_subnetworks = false and declare the subnets the blueprint needs',
  },
  {
    id: 'CKV_GCP_76',
    resourceTypes: ['google_compute_subnetwork'],
    check: (a) =>
      a.stack_type !== 'IPV4_IPV6' ||
      ['ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE', 'ENABLE_BIDIRECTIONAL_ACCESS_TO_GOOGLE'].includes(
        a.private_ipv6_google_access as string,
      )
        ? undefined
        : 'a dual-stack subnet without Private Google Access over IPv6',
    fix: 'set private_ipv6_google_access = "ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE"',
  },
];
