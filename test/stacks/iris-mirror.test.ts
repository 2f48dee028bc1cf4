import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IrisRole, startupScript } from '../../lib/iris/startup';
import { failoverPermissions, IRIS_PORTS } from '../../stacks/iris-mirror';
import { buildApp, exampleConfig, onlyResource, resourcesOf } from '../support/app';

const ROLES: IrisRole[] = ['primary', 'backup', 'arbiter', 'client'];

describe('iris-mirror (seed 003)', () => {
  const built = buildApp(exampleConfig());
  const json = built.json('iris-mirror');
  const instances = resourcesOf(json, 'google_compute_instance');
  const firewalls = resourcesOf(json, 'google_compute_firewall');
  const metadata = (role: string) => instances[role].metadata as Record<string, string>;

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('the article’s VMs, addresses and zones; members in three different zones', () => {
    const summary = Object.fromEntries(
      ROLES.map((role) => {
        const vm = instances[role] as { name: string; zone: string; network_interface: { network_ip: string }[] };
        return [role, `${vm.name} ${vm.network_interface[0].network_ip} ${vm.zone}`];
      }),
    );
    expect(summary).toEqual({
      primary: 'isc-primary-001 10.0.0.3 us-central1-a',
      backup: 'isc-backup-001 10.0.0.4 us-central1-b',
      arbiter: 'isc-arbiter-001 10.0.0.5 us-central1-c',
      client: 'isc-client-001 10.0.0.6 us-central1-c',
    });
  });

  test('only the bastion has a public address; members leave alias and access configs to the failover program', () => {
    for (const role of ROLES) {
      const nic = (instances[role].network_interface as Record<string, unknown>[])[0];
      expect([role, nic.access_config !== undefined]).toEqual([role, role === 'client']);
      expect(nic.alias_ip_range).toBeUndefined();
    }
    for (const role of ['primary', 'backup']) {
      expect(instances[role].lifecycle).toEqual({
        ignore_changes: ['network_interface[0].alias_ip_range', 'network_interface[0].access_config'],
      });
    }
    expect(metadata('primary')).toMatchObject({
      'vip-alias-range': '10.0.0.250/32',
      'vip-members': 'isc-primary-001/us-central1-a,isc-backup-001/us-central1-b',
    });
    expect(metadata('primary')['vip-public-address']).toBeUndefined();
  });

  test('Shielded VMs, no project-wide SSH keys, the key from config, a dedicated service account', () => {
    for (const role of ROLES) {
      expect(instances[role]).toMatchObject({
        shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true },
        service_account: { email: '${google_service_account.vm-sa.email}' },
        can_ip_forward: false,
      });
      expect(metadata(role)).toMatchObject({
        'block-project-ssh-keys': 'TRUE',
        'enable-oslogin': 'FALSE',
        'ssh-keys': expect.stringMatching(/^isc:ssh-ed25519 /),
      });
    }
  });

  test('firewall: SSH only to the bastion from config CIDRs, IRIS ports only from the subnet, ICMP inside', () => {
    const rules = Object.fromEntries(
      Object.values(firewalls).map((r) => [
        r.name,
        {
          from: r.source_ranges ?? r.source_tags,
          to: r.target_tags,
          allow: (r.allow as { protocol: string; ports?: string[] }[]).map((a) => `${a.protocol}:${a.ports ?? ''}`),
        },
      ]),
    );
    expect(rules).toEqual({
      'isc-mirror-allow-ssh-bastion': { from: ['198.51.100.0/24'], to: ['isc-mirror-bastion'], allow: ['tcp:2180'] },
      'isc-mirror-allow-ssh-from-bastion': {
        from: ['isc-mirror-bastion'],
        to: ['isc-mirror-member', 'isc-mirror-arbiter'],
        allow: ['tcp:2180'],
      },
      'isc-mirror-allow-iris': {
        from: ['10.0.0.0/24'],
        to: ['isc-mirror-member', 'isc-mirror-arbiter'],
        allow: [`tcp:${IRIS_PORTS}`],
      },
      'isc-mirror-allow-icmp': {
        from: ['10.0.0.0/24'],
        to: ['isc-mirror-member', 'isc-mirror-arbiter', 'isc-mirror-bastion'],
        allow: ['icmp:'],
      },
    });
    expect(IRIS_PORTS).toEqual(['1972', '2188', '53773', '8080']);
  });

  test('network: custom-mode VPC, 10.0.0.0/24 with flow logs, Cloud NAT for the private VMs', () => {
    expect(onlyResource(json, 'google_compute_subnetwork')).toMatchObject({
      ip_cidr_range: '10.0.0.0/24',
      log_config: expect.any(Object),
    });
    expect(onlyResource(json, 'google_compute_router_nat')).toMatchObject({ nat_ip_allocate_option: 'AUTO_ONLY' });
  });

  test('IAM: a custom role with exactly the failover permissions; pulls and license granted on their resources', () => {
    const role = onlyResource(json, 'google_project_iam_custom_role');
    expect(role).toMatchObject({ role_id: 'iscMirrorVipFailover', permissions: failoverPermissions(false).sort() });
    // What move-vip.py calls: read nic0, find a peer by name, move the alias, poll the operation.
    expect(failoverPermissions(false)).toEqual([
      'compute.instances.get',
      'compute.instances.list',
      'compute.instances.updateNetworkInterface',
      'compute.subnetworks.use',
      'compute.zoneOperations.get',
    ]);
    expect(onlyResource(json, 'google_project_iam_member')).toMatchObject({
      role: '${google_project_iam_custom_role.failover-role.name}',
      member: '${google_service_account.vm-sa.member}',
    });
    expect(onlyResource(json, 'google_artifact_registry_repository_iam_member')).toMatchObject({
      role: 'roles/artifactregistry.reader',
    });
    // Secret access: on the license and the CSPSystem password secrets only, each granted to the VM account.
    expect(resourcesOf(json, 'google_secret_manager_secret_iam_member')).toEqual({
      'license_vm-sa': expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: '${google_secret_manager_secret.license.secret_id}',
        member: '${google_service_account.vm-sa.member}',
      }),
      'csp-password_vm-sa': expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: '${google_secret_manager_secret.csp-password.secret_id}',
        member: '${google_service_account.vm-sa.member}',
      }),
    });
    expect(onlyResource(json, 'google_artifact_registry_repository')).toMatchObject({
      repository_id: 'intersystems',
      format: 'DOCKER',
      location: 'us-central1',
    });
  });

  test('no license value anywhere: the secret exists, its versions are added outside Terraform', () => {
    expect(resourcesOf(json, 'google_secret_manager_secret').license).toMatchObject({ secret_id: 'iris-license' });
    expect(Object.keys(resourcesOf(json, 'google_secret_manager_secret_version'))).toEqual(['csp-password_version']);
  });

  test('CSPSystem password: generated, kept in Secret Manager, only a reference to it anywhere else', () => {
    expect(resourcesOf(json, 'google_secret_manager_secret')['csp-password']).toMatchObject({
      secret_id: 'isc-mirror-cspsystem-password',
    });
    expect(onlyResource(json, 'random_password')).toMatchObject({ length: 32, special: false });
    expect(onlyResource(json, 'google_secret_manager_secret_version')).toMatchObject({
      secret: '${google_secret_manager_secret.csp-password.id}',
      secret_data: '${random_password.csp-password_value.result}',
    });
    // The value is referenced once, by the secret version: not in metadata, outputs or anything else.
    const text = JSON.stringify(json);
    expect(text.match(/random_password\.[\w-]+\.result/g)).toEqual(['random_password.csp-password_value.result']);
    expect(text.match(/secret_version\.[\w-]+\.secret_data/g)).toBeNull();
    expect(text).not.toMatch(/data\.google_secret_manager_secret_version/);
    // The VMs know only the secret's name; CSP.ini reaches them without a password line.
    for (const role of ['primary', 'backup']) {
      expect(metadata(role)['startup-script']).toContain(
        "readonly CSP_PASSWORD_SECRET='projects/example-project-123/secrets/isc-mirror-cspsystem-password'",
      );
      expect(metadata(role)['iris-csp-ini']).not.toMatch(/^Password=/m);
      expect(metadata(role)['iris-csp-ini']).toContain('\nUsername=CSPSystem\n');
    }
    expect(json.output?.cspsystem_password_command.value).toBe(
      'gcloud secrets versions access latest --secret=${google_secret_manager_secret.csp-password.secret_id} ' +
        '--project=${google_secret_manager_secret.csp-password.project}',
    );
  });

  test('every VM boots after the CSPSystem password exists and its account may read it', () => {
    for (const role of ROLES) {
      expect(instances[role].depends_on).toEqual(
        expect.arrayContaining([
          'google_secret_manager_secret_iam_member.csp-password_vm-sa',
          'google_secret_manager_secret_version.csp-password_version',
          'google_secret_manager_secret_iam_member.license_vm-sa',
        ]),
      );
    }
  });

  test("Web Gateway config: the article's CSP.conf and CSP.ini (eduard93/gcp-infra f9aa5ee), less the password", () => {
    const primary = metadata('primary');
    const conf = primary['iris-csp-conf'].replace(/\$\$\{/g, '${');
    expect(conf).toContain('CSPModulePath "${ISC_PACKAGE_INSTALLDIR}/bin/"\nCSPConfigPath "${ISC_PACKAGE_INSTALLDIR}/bin/"\n');
    expect(conf).toContain('<Location />\n    CSP On\n</Location>\n');
    expect(conf).toContain(
      '<Directory />\n    Options MultiViews FollowSymLinks\n    AllowOverride None\n    Require all granted\n' +
        '    <FilesMatch "\\.(log|ini|pid|exe|so)$">\n        Require all denied\n    </FilesMatch>\n</Directory>\n',
    );
    const ini = primary['iris-csp-ini'];
    expect(ini).toMatch(/^\[SYSTEM\]\nIRISCONNECT_LIBRARY_PATH=\/opt\/webgateway\/bin\n/);
    // Kept from before, with the reason on the blueprint page: the article's *.*.*.* opens the gateway's
    // unauthenticated management pages to everyone who reaches port 8080.
    expect(ini).toContain('\nSystem_Manager=127.0.0.1\n');
    expect(ini).toContain('\n[APP_PATH:/csp]\nDefault_Server=LOCAL\nAlternative_Server_0=1~~~~~~LOCAL\n');
    expect(ini).not.toMatch(/password/i);
  });

  test('members get the VIP check: script, service and timer', () => {
    const primary = metadata('primary');
    expect(primary['iris-vip-check']).toContain('iris_primary_answer');
    expect(primary['iris-vip-check-service']).toContain('ExecStart=/usr/local/sbin/iris-vip-check\n');
    expect(primary['iris-vip-check-timer']).toContain('OnUnitInactiveSec=1min\n');
    expect(primary['startup-script']).toContain('systemctl enable --now iris-vip-check.timer');
    expect(metadata('arbiter')['iris-vip-check']).toBeUndefined();
  });

  test('first boot: a one-time dnf upgrade --nobest, as the playbook did, behind a marker file', () => {
    const script = metadata('client')['startup-script'];
    expect(script).toContain('local marker="$${STATE}/dnf-upgraded"');
    expect(script).toContain('dnf upgrade -y -q --nobest');
  });

  test('members get compose, CPF merge, ZMIRROR and the failover program; the arbiter its compose only', () => {
    const primary = metadata('primary');
    const compose = parseYaml(primary['iris-compose']);
    expect(compose.services.iris).toMatchObject({
      image: 'us-central1-docker.pkg.dev/example-project-123/intersystems/iris:2023.2.0.221.0',
      hostname: 'isc-primary-001',
      ports: ['1972:1972', '2188:2188', '53773:53773'],
    });
    expect(compose.services.webgateway.ports).toEqual(['8080:80']);
    expect(primary['iris-cpf-merge']).toContain(
      'ConfigMirror:Name=DEMO,Member=primary,Primary=isc-primary-001,ArbiterURL=isc-arbiter-001:2188',
    );
    expect(metadata('backup')['iris-cpf-merge']).toContain('ConfigMirror:Name=DEMO,Member=backup,');
    expect(primary['iris-zmirror']).toContain('NotifyBecomePrimary()');
    expect(primary['iris-move-vip']).toContain('def main(argv)');
    expect(parseYaml(metadata('arbiter')['iris-compose']).services.arbiter.ports).toEqual(['2188:2188']);
    expect(Object.keys(metadata('client')).filter((k) => k.startsWith('iris-'))).toEqual([]);
  });

  test("passes the security baseline, waiving only the seed's key logins, its bastion and Google-managed keys", () => {
    expect(built.baseline.violations).toEqual([]);
    const waived = built.baseline.waived.filter((f) => f.stack === 'iris-mirror').map((f) => `${f.ruleId} ${f.address}`);
    expect(waived.sort()).toEqual([
      ...ROLES.map((role) => `CKV_GCP_34 google_compute_instance.${role}`),
      ...ROLES.map((role) => `CKV_GCP_38 google_compute_instance.${role}`),
      'CKV_GCP_40 google_compute_instance.client',
      'CKV_GCP_84 google_artifact_registry_repository.registry',
    ].sort());
  });
});

describe('iris-mirror startup scripts', () => {
  const config = exampleConfig();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iris-scripts-'));
  const deployment = {
    registry: 'us-central1-docker.pkg.dev/example-project-123/intersystems',
    irisVersion: config.irisMirror.irisVersion,
    mirrorName: config.irisMirror.mirrorName,
    names: { primary: 'isc-primary-001', backup: 'isc-backup-001', arbiter: 'isc-arbiter-001', client: 'isc-client-001' },
    sshPort: 2180,
    licenseSecret: 'projects/example-project-123/secrets/iris-license',
    cspPasswordSecret: 'projects/example-project-123/secrets/isc-mirror-cspsystem-password',
  };
  const files = Object.fromEntries(
    ROLES.map((role) => {
      const file = path.join(dir, `${role}.sh`);
      fs.writeFileSync(file, startupScript(role, deployment));
      return [role, file];
    }),
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(ROLES)('%s: strict mode, its settings, and bash -n', (role) => {
    const text = fs.readFileSync(files[role], 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n[\s\S]*\nset -euo pipefail\n/);
    expect(text).toContain(`readonly ROLE='${role}'\nreadonly SSH_PORT='2180'`);
    expect(() => execFileSync('bash', ['-n', files[role]])).not.toThrow();
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  (shellcheck || process.env.CI ? test : test.skip)('shellcheck finds nothing in any rendered script', () => {
    const result = spawnSync('shellcheck', ['--severity=style', ...Object.values(files)], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  test('the synthesized script is the rendered one, escaped for Terraform', () => {
    const json = buildApp(config).json('iris-mirror');
    const script = (json.resource!.google_compute_instance.primary.metadata as Record<string, string>)['startup-script'];
    expect(script.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(fs.readFileSync(files.primary, 'utf8'));
    expect(script).not.toMatch(/(^|[^$])\$\{/);
    expect(script).not.toMatch(/(^|[^%])%\{/);
  });
});

describe('iris-mirror options', () => {
  test('public VIP: the reserved address, its firewall rule, the wider role and the program setting', () => {
    const json = buildApp(
      exampleConfig({
        irisMirror: {
          ...exampleConfig().irisMirror,
          vip: { alias: '10.0.0.250/32', public: true, publicSourceCidrs: ['203.0.113.0/24'] },
        },
      }),
    ).json('iris-mirror');
    expect(onlyResource(json, 'google_compute_address')).toMatchObject({
      name: 'isc-mirror',
      address_type: 'EXTERNAL',
      region: 'us-central1',
    });
    expect(resourcesOf(json, 'google_compute_firewall')['firewall-allow-iris-public']).toMatchObject({
      source_ranges: ['203.0.113.0/24'],
      target_tags: ['isc-mirror-member'],
      allow: [{ protocol: 'tcp', ports: ['1972', '53773', '8080'] }],
    });
    expect(onlyResource(json, 'google_project_iam_custom_role').permissions).toEqual(failoverPermissions(true).sort());
    expect(failoverPermissions(true)).toEqual(expect.arrayContaining(['compute.instances.addAccessConfig', 'compute.addresses.get']));
    const primary = json.resource!.google_compute_instance.primary.metadata as Record<string, string>;
    expect(primary['vip-public-address']).toBe('isc-mirror');
    expect(json.output?.public_vip.value).toBe('${google_compute_address.public-vip.address}');
  });

  test('OS Login instead of a key; no SSH source CIDRs means no SSH rule from outside', () => {
    const base = exampleConfig().irisMirror;
    const json = buildApp(
      exampleConfig({ irisMirror: { ...base, sshSourceCidrs: [], ssh: { osLogin: true, user: 'isc' } } }),
    ).json('iris-mirror');
    const client = json.resource!.google_compute_instance.client.metadata as Record<string, string>;
    expect(client['enable-oslogin']).toBe('TRUE');
    expect(client['ssh-keys']).toBeUndefined();
    expect(resourcesOf(json, 'google_compute_firewall')['firewall-allow-ssh-bastion']).toBeUndefined();
  });
});

describe('iris-mirror customer-managed key', () => {
  const key = 'projects/keys-123/locations/us-central1/keyRings/iris/cryptoKeys/disks';
  const built = buildApp(exampleConfig({ irisMirror: { ...exampleConfig().irisMirror, kmsKeyName: key } }));
  const json = built.json('iris-mirror');
  const grants = resourcesOf(json, 'google_kms_crypto_key_iam_member');

  test("the Compute Engine and Artifact Registry service agents may use the key before disks and images exist", () => {
    const agent = (domain: string) =>
      `serviceAccount:service-\${data.google_project.project-number.number}@${domain}.iam.gserviceaccount.com`;
    expect(grants['compute-key-user']).toMatchObject({
      crypto_key_id: key,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: agent('compute-system'),
    });
    expect(grants['artifactregistry-key-user']).toMatchObject({ crypto_key_id: key, member: agent('gcp-sa-artifactregistry') });
    for (const role of ROLES) {
      const vm = json.resource!.google_compute_instance[role];
      expect(vm.boot_disk).toMatchObject({ kms_key_self_link: key });
      expect(vm.depends_on).toContain('google_kms_crypto_key_iam_member.compute-key-user');
    }
    expect(onlyResource(json, 'google_artifact_registry_repository')).toMatchObject({
      kms_key_name: key,
      depends_on: expect.arrayContaining(['google_kms_crypto_key_iam_member.artifactregistry-key-user']),
    });
    expect(resourcesOf(json, 'google_project_service')).toHaveProperty('project_cloudkms');
  });

  test('with a key, the CMEK waivers of the example match nothing and synth says so', () => {
    const unused = built.baseline.unusedWaivers(['iris-mirror']).map((w) => w.rule);
    expect(unused.sort()).toEqual(['CKV_GCP_38', 'CKV_GCP_84']);
  });
});

describe('iris-mirror deployer role', () => {
  test("off by default; on request the article's 71 permissions", () => {
    expect(resourcesOf(buildApp(exampleConfig()).json('iris-mirror'), 'google_project_iam_custom_role')).not.toHaveProperty(
      'deployer-role',
    );
    const json = buildApp(exampleConfig({ irisMirror: { ...exampleConfig().irisMirror, deployerRole: true } })).json(
      'iris-mirror',
    );
    const role = resourcesOf(json, 'google_project_iam_custom_role')['deployer-role'];
    expect(role.role_id).toBe('iscMirrorDeployer');
    expect(new Set(role.permissions as string[]).size).toBe(71);
    expect(role.permissions).toEqual(expect.arrayContaining(['compute.instances.setMetadata', 'iam.roles.undelete']));
    expect(json.output?.deployer_role).toBeDefined();
  });
});
