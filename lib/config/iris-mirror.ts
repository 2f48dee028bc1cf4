import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { blockSize, cidrContains, parseCidr, parseIpv4 } from '../network/ipv4';
import { adoptExisting, asRecord, diskType, ipv4Address, ipv4Cidr, kmsKeyName, machineType, resourceName, zone } from './fields';
import { isKnownZone } from './catalog';
import { zoneOfRegionMessage } from './location-defaults';
import type { CrossFieldProblem } from './schema';


/** A project custom role id; never containing "admin" (CKV_GCP_42 flags such roles on service accounts). */
const customRoleId = z.string().superRefine((id, ctx) => {
  const wrong = !/^[a-zA-Z0-9_.]{3,64}$/.test(id)
    ? 'must be 3-64 letters, digits, _ or .'
    : /admin/i.test(id)
      ? 'must not contain "admin"'
      : undefined;
  if (wrong) ctx.addIssue({ code: 'custom', message: wrong });
});

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
  /** VPC name, and the prefix of the subnet, Cloud Router, Cloud NAT and firewall rule names. */
  networkName: resourceName(63).default('isc-mirror'),
  /** Subnet name. Default: networkName (the article's Terraform names it after the region: us-west1). */
  subnetName: resourceName(63).optional(),
  /** Cloud Router name. Default: `<networkName>-router` (the article's: `isc-mirror`). */
  routerName: resourceName(63).optional(),
  /** Cloud NAT name. Default: `<networkName>-nat` (the article's: `isc-mirror`). */
  natName: resourceName(63).optional(),
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
  /** Id of the deployer custom role (the article's ROLE_NAME: MyTerraformRole). */
  deployerRoleId: customRoleId.default('iscMirrorDeployer'),
  /** Id of the custom role that lets the VMs move the VIP (the article's Terraform: `isc.demo.vm`). */
  failoverRoleId: customRoleId.default('iscMirrorVipFailover'),
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

/** What the article's Terraform (eduard93/gcp-infra, terraform/) created, as far as a forced replacement depends on it. */
export const IRIS_SEED = {
  subnetCidr: '10.0.0.0/24',
  ips: { primary: '10.0.0.3', backup: '10.0.0.4', arbiter: '10.0.0.5', client: '10.0.0.6' },
  imageProject: 'rhel-cloud',
  image: 'rhel-9-v20231010',
  diskSizeGb: 100,
  diskType: 'pd-standard',
  /** The article's firewall rules (terraform/firewall.tf) and ours that take each over: the name forces replacement. */
  firewalls: [
    { seed: 'allow-ssh-ingress', ours: 'allow-ssh-from-bastion', what: 'tcp:2180 from 0.0.0.0/0 to every VM' },
    { seed: 'allow-iris-ingress', ours: 'allow-iris', what: 'the IRIS ports from the subnet (or 0.0.0.0/0 with the public VIP)' },
    { seed: 'allow-ping', ours: 'allow-icmp', what: 'ICMP from the subnet' },
  ],
} as const;

/**
 * Whether the provider keeps the seed's boot image for `image` (DiskImageDiffSuppress in
 * google/services/compute/resource_compute_disk.go at v6.50.0): the same project, or none, and the seed's image name
 * or a family name it contains (rhel-cloud/rhel-9 and rhel-9-v20231010 both match).
 */
export function keepsSeedImage(image: string): boolean {
  const match =
    /^(?:https:\/\/www\.googleapis\.com\/compute\/[^/]+\/)?projects\/([^/]+)\/global\/images\/(?:family\/)?([^/]+)$/.exec(image) ??
    /^(?:global\/images\/|family\/)(?:family\/)?()([^/]+)$/.exec(image) ??
    /^([^/]+)\/([^/]+)$/.exec(image) ??
    /^()([^/]+)$/.exec(image);
  if (!match) return false;
  const [, project, name] = match;
  const sameProject = project === '' || project === IRIS_SEED.imageProject || project === 'rhel';
  return sameProject && name !== '' && IRIS_SEED.image.includes(name);
}

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts). Claims rest on the google provider at v6.50.0:
 * google/services/compute/resource_compute_instance.go (boot_disk.* ForceNew, forceNewIfNetworkIPNotUpdatable),
 * resource_compute_subnetwork.go (ip_cidr_range shrinkage), resource_compute_firewall.go (name),
 * artifactregistry/resource_artifact_registry_repository.go (kms_key_name).
 */
export function irisMirrorReplacements(config: Config): ForcedReplacement[] {
  const section = config.irisMirror;
  if (!section) return [];
  const found: ForcedReplacement[] = [];
  for (const role of ROLES) {
    const vm = section.vms[role];
    const resource = `google_compute_instance ${vm.name}`;
    const member = role === 'primary' || role === 'backup';
    const lost = member
      ? 'its boot disk is deleted with it (auto_delete), and it holds the IRIS database (/data, ISC_DATA_DIRECTORY=/data/db ' +
        'in the seed): the mirror must resynchronise the new member from the other one, and the seed has no other copy'
      : role === 'arbiter'
        ? 'the arbiter holds no database; the mirror has no arbiter until the new VM has started'
        : 'the bastion holds no data; it gets a new ephemeral public address';
    const add = (setting: string, seed: string, ours: string, keep: string) =>
      found.push({ resource, setting, seed, ours, decide: `${lost}; to keep it, ${keep}` });
    if (!keepsSeedImage(section.image)) {
      add('boot_disk.initialize_params.image', `${IRIS_SEED.imageProject}/${IRIS_SEED.image}`, section.image,
        'set irisMirror.image: rhel-cloud/rhel-9');
    }
    if (section.diskSizeGb !== IRIS_SEED.diskSizeGb) {
      add('boot_disk.initialize_params.size', String(IRIS_SEED.diskSizeGb), String(section.diskSizeGb),
        `set irisMirror.diskSizeGb: ${IRIS_SEED.diskSizeGb} (grow the disk later with gcloud compute disks resize)`);
    }
    if (section.diskType !== IRIS_SEED.diskType) {
      add('boot_disk.initialize_params.type', IRIS_SEED.diskType, section.diskType, `set irisMirror.diskType: ${IRIS_SEED.diskType}`);
    }
    if (section.kmsKeyName) {
      add('boot_disk.kms_key_self_link', 'Google-managed encryption', section.kmsKeyName,
        'leave irisMirror.kmsKeyName unset while adopting (keep the CKV_GCP_38 and CKV_GCP_84 waivers), or move the ' +
          'database to a disk encrypted with the key first');
    }
    if (vm.ip !== IRIS_SEED.ips[role]) {
      add('network_interface.0.network_ip', IRIS_SEED.ips[role], vm.ip, `set irisMirror.vms.${role}.ip: ${IRIS_SEED.ips[role]}`);
    }
  }
  const seedRange = parseCidr(IRIS_SEED.subnetCidr)!;
  const ours = parseCidr(section.subnetCidr);
  if (ours && !(ours.prefixLength <= seedRange.prefixLength && cidrContains(ours, seedRange.network))) {
    found.push({
      resource: `google_compute_subnetwork ${section.subnetName ?? section.networkName}`,
      setting: 'ip_cidr_range',
      seed: IRIS_SEED.subnetCidr,
      ours: section.subnetCidr,
      decide:
        'only an expansion applies in place, and the subnet cannot be deleted while the VMs use it, so apply fails; set ' +
        `irisMirror.subnetCidr: ${IRIS_SEED.subnetCidr} (or a range that contains it)`,
    });
  }
  for (const rule of IRIS_SEED.firewalls) {
    found.push({
      resource: `google_compute_firewall ${rule.seed}`,
      setting: 'name',
      seed: rule.seed,
      ours: `${section.networkName}-${rule.ours}`,
      decide:
        `nothing is lost: the seed's rule (${rule.what}, no target tags) is deleted and ours, narrower, created in the ` +
        'same apply; connections it allowed drop for a moment (SSH from outside reaches only the bastion, from ' +
        'irisMirror.sshSourceCidrs)',
    });
  }
  if (section.kmsKeyName) {
    found.push({
      resource: 'google_artifact_registry_repository intersystems',
      setting: 'kms_key_name',
      seed: 'Google-managed encryption',
      ours: section.kmsKeyName,
      decide:
        'the repository and its iris, webgateway and arbiter images are deleted; leave irisMirror.kmsKeyName unset ' +
        'while adopting, or push the images again after apply (the VMs pull them only when their containers start)',
    });
  }
  return found;
}
