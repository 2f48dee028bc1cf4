import { stringify } from 'yaml';
import { ConfigError } from '../../lib/config/errors';
import { parseConfig } from '../../lib/config/load';
import { keepsSeedImage } from '../../lib/config/iris-mirror';
import { importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, exampleConfig } from '../support/app';

const P = 'example-project-123';
const R = 'us-central1';
/** The page's config with the article's names (docs/blueprints/iris-mirror.md, "Adopt what the seed created"). */
const seedNames = seedNamesConfig('iris-mirror');
const irisSeed = seedNames.irisMirror;

function seedConfig(irisMirror: Record<string, unknown> = {}) {
  return exampleConfig({ ...seedNames, irisMirror: { ...irisSeed, ...irisMirror } });
}

/** What synth warns about this config (parseConfig, as `npm run synth` loads it). */
function warningsOf(irisMirror: Record<string, unknown> = {}): string[] {
  return [...parseConfig(stringify(seedConfig(irisMirror))).warnings].filter((w) => w.startsWith('irisMirror.adoptExisting:'));
}

describe('iris-mirror adoptExisting', () => {
  const seedApp = buildApp(seedConfig({ vip: { alias: '10.0.0.250/32', public: true, publicSourceCidrs: ['203.0.113.0/24'] } }));
  const imports = importsOf(seedApp.json('iris-mirror'));

  // Formats quoted from the "## Import" sections of website/docs/r/*.html.markdown, google provider v6.50.0.
  test.each([
    // compute_network: projects/{{project}}/global/networks/{{name}}
    ['google_compute_network.network', `projects/${P}/global/networks/isc-mirror`],
    // compute_subnetwork: projects/{{project}}/regions/{{region}}/subnetworks/{{name}}
    [`google_compute_subnetwork.network_${R}`, `projects/${P}/regions/${R}/subnetworks/${R}`],
    // compute_router: projects/{{project}}/regions/{{region}}/routers/{{name}}
    ['google_compute_router.network_router', `projects/${P}/regions/${R}/routers/isc-mirror`],
    // compute_router_nat: projects/{{project}}/regions/{{region}}/routers/{{router}}/{{name}}
    ['google_compute_router_nat.network_nat', `projects/${P}/regions/${R}/routers/isc-mirror/isc-mirror`],
    // compute_firewall: projects/{{project}}/global/firewalls/{{name}}
    ['google_compute_firewall.firewall-allow-ssh-from-bastion', `projects/${P}/global/firewalls/allow-ssh-ingress`],
    ['google_compute_firewall.firewall-allow-iris', `projects/${P}/global/firewalls/allow-iris-ingress`],
    ['google_compute_firewall.firewall-allow-icmp', `projects/${P}/global/firewalls/allow-ping`],
    // google_service_account: projects/{{project_id}}/serviceAccounts/{{email}}
    ['google_service_account.vm-sa', `projects/${P}/serviceAccounts/isc-mirror-vm@${P}.iam.gserviceaccount.com`],
    // google_project_iam_custom_role: projects/{{project}}/roles/{{role_id}}
    ['google_project_iam_custom_role.failover-role', `projects/${P}/roles/isc.demo.vm`],
    ['google_project_iam_custom_role.deployer-role', `projects/${P}/roles/MyTerraformRole`],
    // artifact_registry_repository: projects/{{project}}/locations/{{location}}/repositories/{{repository_id}}
    ['google_artifact_registry_repository.registry', `projects/${P}/locations/${R}/repositories/intersystems`],
    // compute_address: projects/{{project}}/regions/{{region}}/addresses/{{name}}
    ['google_compute_address.public-vip', `projects/${P}/regions/${R}/addresses/isc-mirror`],
    // compute_instance: projects/{{project}}/zones/{{zone}}/instances/{{name}}
    ['google_compute_instance.primary', `projects/${P}/zones/${R}-a/instances/isc-primary-001`],
    ['google_compute_instance.backup', `projects/${P}/zones/${R}-b/instances/isc-backup-001`],
    ['google_compute_instance.arbiter', `projects/${P}/zones/${R}-c/instances/isc-arbiter-001`],
    ['google_compute_instance.client', `projects/${P}/zones/${R}-c/instances/isc-client-001`],
  ])('%s is imported as %s (the provider documented format)', (address, id) => {
    expect(imports[address]).toBe(id);
  });

  test('exactly those are imported, every id plain text; what the seed did not make is created', () => {
    expect(Object.keys(imports)).toHaveLength(16);
    for (const id of Object.values(imports)) expect(id).not.toContain('${');
    const addresses = Object.keys(imports).join(' ');
    expect(addresses).not.toMatch(/secret|iam_member|firewall-allow-ssh-bastion|firewall-allow-iris-public|project_service/);
  });

  test('the seed-name config keeps the article names on the resources', () => {
    const json = seedApp.json('iris-mirror');
    expect(json.resource?.google_compute_subnetwork?.[`network_${R}`]?.name).toBe(R);
    expect(json.resource?.google_compute_router?.network_router?.name).toBe('isc-mirror');
    expect(json.resource?.google_compute_router_nat?.network_nat?.name).toBe('isc-mirror');
    expect(json.resource?.google_project_iam_custom_role?.['failover-role']?.role_id).toBe('isc.demo.vm');
    expect(json.resource?.google_project_iam_custom_role?.['deployer-role']?.role_id).toBe('MyTerraformRole');
  });

  test('without deployerRole or the public VIP, neither the article role nor the address is imported', () => {
    const imports = importsOf(buildApp(seedConfig({ deployerRole: false })).json('iris-mirror'));
    expect(imports['google_project_iam_custom_role.deployer-role']).toBeUndefined();
    expect(imports['google_compute_address.public-vip']).toBeUndefined();
    expect(Object.keys(imports)).toHaveLength(14);
  });

  test('adoptExisting off (config/example.yaml as is): no import block', () => {
    expect(buildApp(exampleConfig()).json('iris-mirror').import).toBeUndefined();
  });
});

describe('iris-mirror forced replacements', () => {
  test('the seed-name config warns only for the three firewall rules, which the name always replaces', () => {
    const warnings = warningsOf();
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(
      /^irisMirror\.adoptExisting: google_compute_firewall allow-ssh-ingress: name is allow-ssh-ingress as the seed created it and isc-mirror-allow-ssh-from-bastion here, .*apply would destroy it and create it again; nothing is lost/,
    );
    expect(warnings.map((w) => /google_compute_firewall (\S+):/.exec(w)?.[1])).toEqual([
      'allow-ssh-ingress',
      'allow-iris-ingress',
      'allow-ping',
    ]);
  });

  test('a customer-managed key replaces every VM and the repository; a member warning says the database goes', () => {
    const key = `projects/${P}/locations/${R}/keyRings/iris/cryptoKeys/disks`;
    const warnings = warningsOf({ kmsKeyName: key }).filter((w) => !w.includes('google_compute_firewall'));
    expect(warnings.map((w) => /adoptExisting: (.+?): (\S+) is/.exec(w)?.slice(1).join(' '))).toEqual([
      'google_compute_instance isc-primary-001 boot_disk.kms_key_self_link',
      'google_compute_instance isc-backup-001 boot_disk.kms_key_self_link',
      'google_compute_instance isc-arbiter-001 boot_disk.kms_key_self_link',
      'google_compute_instance isc-client-001 boot_disk.kms_key_self_link',
      'google_artifact_registry_repository intersystems kms_key_name',
    ]);
    expect(warnings[0]).toContain('holds the IRIS database (/data, ISC_DATA_DIRECTORY=/data/db');
    expect(warnings[0]).toContain('leave irisMirror.kmsKeyName unset while adopting');
    expect(warnings[2]).toContain('the arbiter holds no database');
  });

  test('disk size, disk type, image family and a VM address each force replacement, with the key that keeps it', () => {
    const warnings = warningsOf({
      diskSizeGb: 200,
      diskType: 'pd-balanced',
      image: 'rocky-linux-cloud/rocky-linux-9',
      vms: { primary: { name: 'isc-primary-001', ip: '10.0.0.7', zone: `${R}-a` } },
    }).filter((w) => w.includes('isc-primary-001'));
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toMatch(/boot_disk\.initialize_params\.image is rhel-cloud\/rhel-9-v20231010 .* set irisMirror\.image: rhel-cloud\/rhel-9/);
    expect(warnings.join('\n')).toMatch(/boot_disk\.initialize_params\.size is 100 .* set irisMirror\.diskSizeGb: 100/);
    expect(warnings.join('\n')).toMatch(/boot_disk\.initialize_params\.type is pd-standard .* set irisMirror\.diskType: pd-standard/);
    expect(warnings.join('\n')).toMatch(/network_interface\.0\.network_ip is 10\.0\.0\.3 .* set irisMirror\.vms\.primary\.ip: 10\.0\.0\.3/);
  });

  test('a subnet range that does not contain the article one forces replacement; an expansion does not', () => {
    const moved = warningsOf({
      subnetCidr: '10.1.0.0/24',
      vms: {
        primary: { name: 'isc-primary-001', ip: '10.1.0.3', zone: `${R}-a` },
        backup: { name: 'isc-backup-001', ip: '10.1.0.4', zone: `${R}-b` },
        arbiter: { name: 'isc-arbiter-001', ip: '10.1.0.5', zone: `${R}-c` },
        client: { name: 'isc-client-001', ip: '10.1.0.6', zone: `${R}-c` },
      },
      vip: { alias: '10.1.0.250/32', public: false, publicSourceCidrs: [] },
    });
    expect(moved.some((w) => w.startsWith(`irisMirror.adoptExisting: google_compute_subnetwork ${R}: ip_cidr_range is 10.0.0.0/24`))).toBe(true);
    expect(warningsOf({ subnetCidr: '10.0.0.0/23' }).filter((w) => w.includes('subnetwork'))).toEqual([]);
  });

  test('the provider keeps the article image for its family and its own name, not for another family', () => {
    for (const image of ['rhel-cloud/rhel-9', 'rhel-cloud/rhel-9-v20231010', 'projects/rhel-cloud/global/images/family/rhel-9', 'rhel-9']) {
      expect([image, keepsSeedImage(image)]).toEqual([image, true]);
    }
    for (const image of ['rhel-cloud/rhel-8', 'centos-cloud/rhel-9', 'rocky-linux-cloud/rocky-linux-9']) {
      expect([image, keepsSeedImage(image)]).toEqual([image, false]);
    }
  });

  test('adoptExisting off: no forced-replacement warning, whatever the config', () => {
    const config = exampleConfig({ irisMirror: { diskSizeGb: 200 } });
    expect(parseConfig(stringify(config)).warnings.filter((w) => w.includes('adoptExisting'))).toEqual([]);
  });
});

describe('iris-mirror names for adoption', () => {
  test.each([
    ['isc.admin.vm', 'must not contain "admin"'],
    ['a/b', 'must be 3-64 letters, digits, _ or .'],
  ])('failoverRoleId %s is one problem: %s', (id, message) => {
    const config = seedConfig() as unknown as Record<string, Record<string, unknown>>;
    const text = stringify({ ...config, irisMirror: { ...config.irisMirror, failoverRoleId: id } });
    let error: unknown;
    try {
      parseConfig(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n').slice(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`irisMirror.failoverRoleId: ${message}`);
  });
});
