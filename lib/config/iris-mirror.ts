import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { blockSize, cidrContains, parseCidr, parseIpv4 } from '../network/ipv4';
import { adoptExisting, asRecord, diskType, ipv4Address, ipv4Cidr, kmsKeyName, machineType, resourceName, zone } from './fields';
import { isKnownZone } from './catalog';
import { zoneOfRegionMessage } from './location-defaults';
import type { CrossFieldProblem } from './schema';


function vm(name: string, ip: string, zoneName: string) {
  return z
    .strictObject({
      name: resourceName(63).default(name),
      ip: ipv4Address.default(ip),
      zone: zone.default(zoneName),
    })
    .prefault({});
}

/** The `irisMirror` section (seed 003): an IRIS mirror whose VIP is an alias IP moved on failover. */
export const irisMirrorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
  /** VPC and Cloud Router/NAT name. */
  networkName: resourceName(63).default('isc-mirror'),
  subnetCidr: ipv4Cidr.default('10.0.0.0/24'),
  /** The VMs; primary, backup and arbiter must be in three different zones of the region. */
  vms: z
    .strictObject({
      primary: vm('isc-primary-001', '10.0.0.3', 'us-central1-a'),
      backup: vm('isc-backup-001', '10.0.0.4', 'us-central1-b'),
      arbiter: vm('isc-arbiter-001', '10.0.0.5', 'us-central1-c'),
      /** The bastion: the only VM with a public address. */
      client: vm('isc-client-001', '10.0.0.6', 'us-central1-c'),
    })
    .prefault({}),
  machineType: machineType.default('n1-standard-1'),
  /** Boot image, as project/family or a full image path. */
  image: z.string().min(3).default('rhel-cloud/rhel-9'),
  diskSizeGb: z.number().int().min(20).max(65536).default(100),
  diskType: diskType.default('pd-standard'),
  /**
   * Customer-managed Cloud KMS key for the VMs' boot disks (which hold the databases) and the image repository, in the
   * stack's region. Default: Google-managed encryption (waived as CKV_GCP_38 and CKV_GCP_84 in the example config).
   */
  kmsKeyName: kmsKeyName.optional(),
  /** Refuse to delete the mirror members (their disks hold the databases). */
  deletionProtection: z.boolean().default(true),
  /** Tag of the iris, webgateway and arbiter images in the `intersystems` Artifact Registry repository. */
  irisVersion: z
    .string()
    .regex(/^[0-9][0-9A-Za-z._-]*$/, 'must be an image tag such as 2023.2.0.221.0')
    .default('2023.2.0.221.0'),
  mirrorName: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{0,14}$/, 'must be 1-15 uppercase letters or digits, starting with a letter')
    .default('DEMO'),
  /** Secret Manager secret (created here, filled by you) holding the IRIS license key: never in the repository. */
  licenseSecretId: resourceName(63).default('iris-license'),
  /** SSH port on every VM (the seed's 2180). */
  sshPort: z.number().int().min(1).max(65535).default(2180),
  ssh: z
    .strictObject({
      /** Log in with OS Login (IAM roles) instead of a key. */
      osLogin: z.boolean().default(false),
      user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name').default('isc'),
      /** Public key (one line, `ssh-ed25519 AAAA... comment`); required unless osLogin. */
      publicKey: z
        .string()
        .regex(/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( [^\n]*)?$/, 'must be one OpenSSH public key line')
        .optional(),
    })
    .prefault({}),
  /** Who may reach the bastion's SSH port. No default: an empty list means nobody from outside. */
  sshSourceCidrs: z.array(ipv4Cidr).default([]),
  /**
   * Also create the article's deployer custom role (`iscMirrorDeployer`, from its terraform-permissions.yaml), to
   * grant to the identity that runs Terraform. Off by default: granting it is yours to decide.
   */
  deployerRole: z.boolean().default(false),
  vip: z
    .strictObject({
      /** The private VIP: a /32 alias range inside the subnet. */
      alias: ipv4Cidr.default('10.0.0.250/32'),
      /** A reserved regional external address (`isc-mirror`) moved with the alias. */
      public: z.boolean().default(false),
      /** With the public VIP: who may reach the IRIS ports through it. */
      publicSourceCidrs: z.array(ipv4Cidr).default([]),
    })
    .prefault({}),
});

export type IrisMirrorConfig = z.infer<typeof irisMirrorSchema>;


const ROLES = ['primary', 'backup', 'arbiter', 'client'] as const;

/**
 * Checks across the section: every address inside the subnet and usable (Google reserves the network address,
 * the gateway .1 and the last two), the VIP a /32 that no VM uses, mirror members in three different zones.
 */
export function irisMirrorProblems(section: unknown, region: unknown): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const root = asRecord(section);
  // Disabled: nothing of it is built, so nothing to check.
  if (root.enabled === false) return problems;
  const subnet = typeof root.subnetCidr === 'string' ? parseCidr(root.subnetCidr) : undefined;
  const vms = asRecord(root.vms);
  const problem = (path: string[], input: unknown, message: string) =>
    problems.push({ path: ['irisMirror', ...path], input, message });

  const keyLocation = typeof root.kmsKeyName === 'string' ? /\/locations\/([^/]+)\//.exec(root.kmsKeyName)?.[1] : undefined;
  if (keyLocation !== undefined && typeof region === 'string' && keyLocation !== region) {
    problem(
      ['kmsKeyName'],
      root.kmsKeyName,
      `must be a key in ${region}, where the disks and the repository are (this one is in ${keyLocation})`,
    );
  }

  const usable = (address: number) => {
    if (!subnet) return undefined;
    if (!cidrContains(subnet, address)) return `must lie inside the subnet ${root.subnetCidr}`;
    const offset = address - subnet.network;
    const size = blockSize(subnet.prefixLength);
    if (offset === 0 || offset === 1 || offset >= size - 2) {
      return `is reserved by Google Cloud in ${root.subnetCidr} (the network address, .1 and the last two)`;
    }
    return undefined;
  };

  const vmAddresses = new Map<number, string>();
  for (const role of ROLES) {
    const ip = asRecord(vms[role]).ip;
    const address = typeof ip === 'string' ? parseIpv4(ip) : undefined;
    if (address === undefined) continue;
    const wrong = usable(address);
    if (wrong) problem(['vms', role, 'ip'], ip, wrong);
    const other = vmAddresses.get(address);
    if (other) problem(['vms', role, 'ip'], ip, `is already the address of vms.${other}`);
    else vmAddresses.set(address, role);
  }

  const aliasText = asRecord(root.vip).alias;
  const alias = typeof aliasText === 'string' ? parseCidr(aliasText) : undefined;
  if (alias) {
    if (alias.prefixLength !== 32) problem(['vip', 'alias'], aliasText, 'must be a single address (/32)');
    else {
      const wrong = usable(alias.network);
      const owner = vmAddresses.get(alias.network);
      if (wrong) problem(['vip', 'alias'], aliasText, wrong);
      else if (owner) problem(['vip', 'alias'], aliasText, `must differ from the address of vms.${owner}`);
    }
  }

  const ssh = asRecord(root.ssh);
  if (ssh.osLogin !== true && ssh.publicKey === undefined) {
    problem(['ssh', 'publicKey'], undefined, 'is required unless ssh.osLogin is true: without it nobody can log in');
  }
  const vip = asRecord(root.vip);
  if (vip.public === true && Array.isArray(vip.publicSourceCidrs) && vip.publicSourceCidrs.length === 0) {
    problem(['vip', 'publicSourceCidrs'], vip.publicSourceCidrs, 'must list who may reach the public VIP');
  }

  const zones = new Map<string, string>();
  for (const role of ROLES) {
    const vmZone = asRecord(vms[role]).zone;
    if (typeof vmZone !== 'string') continue;
    // An unknown zone is the zone field's own problem; only a real zone of another region is reported here.
    if (typeof region === 'string' && isKnownZone(vmZone) && !vmZone.startsWith(`${region}-`)) {
      problem(['vms', role, 'zone'], vmZone, zoneOfRegionMessage(region));
    }
    if (role === 'client') continue;
    const other = zones.get(vmZone);
    if (other) problem(['vms', role, 'zone'], vmZone, `must differ from vms.${other}.zone: each mirror member needs its own zone`);
    else zones.set(vmZone, role);
  }
  return problems;
}

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts).
 */
export function irisMirrorReplacements(config: Config): ForcedReplacement[] {
  void config;
  return [];
}
