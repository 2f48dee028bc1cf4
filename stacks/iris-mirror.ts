import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ComputeFirewall, ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import { Construct } from 'constructs';
import type { IrisMirrorConfig } from '../lib/config/iris-mirror';
import { CustomRole } from '../lib/iam/custom-role';
import { ServiceAccount, serviceAccountEmail } from '../lib/iam/service-account';
import { ARTICLE_DEPLOYER_PERMISSIONS } from '../lib/iris/deployer-permissions';
import { ServiceAgentKeyUser } from '../lib/kms/service-agent-key-user';
import { IRIS_SEED } from '../lib/config/iris-mirror';
import { adopt } from '../lib/stack/adopt';
import { IrisDeployment, IrisRole, vmMetadata } from '../lib/iris/startup';
import { Vpc } from '../lib/network/vpc';
import { ProjectSetup } from '../lib/project/project';
import { DockerRepository } from '../lib/registry/docker-repository';
import { ExternalSecret, GeneratedPassword } from '../lib/secrets/secret';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';
import { Vm } from '../lib/vm/instance';

/** IRIS superserver, ISCAgent, IRIS web port, Web Gateway. */
export const IRIS_PORTS = ['1972', '2188', '53773', '8080'];
/** What clients use through a public VIP: the ISCAgent (2188) only ever talks between mirror VMs. */
const PUBLIC_IRIS_PORTS = ['1972', '53773', '8080'];
const PUBLIC_VIP_NAME = 'isc-mirror';
const VM_ACCOUNT = 'isc-mirror-vm';

/**
 * Exactly what the VM service account needs at project level: move-vip.py reads the members, rewrites nic0's alias
 * ranges, polls zone operations and, with the public VIP, reads the address and moves the access config.
 * Image pulls and the license secret are granted on the repository and the secret, not here.
 */
export function failoverPermissions(publicVip: boolean): string[] {
  const privateVip = [
    'compute.instances.get',
    // Finding a peer that is not in the zone vip-members names (instances.aggregatedList, filtered by name).
    'compute.instances.list',
    'compute.instances.updateNetworkInterface',
    'compute.subnetworks.use',
    'compute.zoneOperations.get',
  ];
  const publicExtra = [
    'compute.addresses.get',
    'compute.addresses.use',
    'compute.instances.addAccessConfig',
    'compute.instances.deleteAccessConfig',
    'compute.subnetworks.useExternalIp',
  ];
  return publicVip ? [...privateVip, ...publicExtra] : privateVip;
}

const TAGS: Record<IrisRole, string> = {
  primary: 'isc-mirror-member',
  backup: 'isc-mirror-member',
  arbiter: 'isc-mirror-arbiter',
  client: 'isc-mirror-bastion',
};

/**
 * `iris-mirror` (seed 003): an InterSystems IRIS mirror (primary, backup, arbiter) behind a VIP that is an alias IP
 * moved by ZMIRROR's failover program, plus a bastion. Replaces the article's Terraform + Ansible + gcloud steps.
 */
export class IrisMirrorStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: IrisMirrorConfig) {
    super(scope, 'iris-mirror', context);
    const project = new ProjectSetup(this, 'project', {
      projectId: this.projectId,
      services: [
        'compute.googleapis.com',
        'artifactregistry.googleapis.com',
        'secretmanager.googleapis.com',
        'iam.googleapis.com',
        ...(section.kmsKeyName ? ['cloudkms.googleapis.com'] : []),
      ],
    });
    const projectId = project.projectId;
    const name = section.networkName;
    const subnetName = section.subnetName ?? name;
    const routerName = section.routerName ?? `${name}-router`;
    const natName = section.natName ?? `${name}-nat`;
    // adoptExisting: what the article created is imported by the names this config gives (the page shows the config
    // with the article's names); import ids are built from config strings, in the formats the provider documents.
    const seed = section.adoptExisting ? `projects/${this.projectId}` : undefined;
    const regional = `${seed}/regions/${this.region}`;

    const vpc = new Vpc(this, 'network', {
      name,
      project: projectId,
      region: this.region,
      subnets: { [subnetName]: { cidr: section.subnetCidr } },
      nat: true,
      routerName,
      natName,
    });
    const subnet = vpc.subnets[subnetName];
    if (seed) {
      adopt(vpc.network, `${seed}/global/networks/${name}`);
      adopt(subnet, `${regional}/subnetworks/${subnetName}`);
      adopt(vpc.router!, `${regional}/routers/${routerName}`);
      adopt(vpc.nat!, `${regional}/routers/${routerName}/${natName}`);
    }

    const account = new ServiceAccount(this, 'vm-sa', {
      accountId: VM_ACCOUNT,
      displayName: 'ISC Mirror VM',
      description: 'Runs the IRIS mirror VMs: moves the VIP, pulls images, reads the license',
      project: projectId,
    });
    const failoverRole = new CustomRole(this, 'failover-role', {
      project: projectId,
      roleId: section.failoverRoleId,
      title: 'ISC mirror VIP failover',
      description: 'Move the IRIS mirror VIP (alias IP, public access config) between mirror members',
      permissions: failoverPermissions(section.vip.public),
    });
    const failoverGrant = failoverRole.grant('vm-sa', account.member);
    if (seed) {
      adopt(account.account, `${seed}/serviceAccounts/${serviceAccountEmail(VM_ACCOUNT, this.projectId)}`);
      adopt(failoverRole.role, `${seed}/roles/${section.failoverRoleId}`);
    }

    if (section.deployerRole) {
      const deployer = new CustomRole(this, 'deployer-role', {
        project: projectId,
        roleId: section.deployerRoleId,
        title: 'ISC mirror deployer (article)',
        description: "The article's Terraform role (terraform-permissions.yaml); grant it to the deploying identity",
        permissions: ARTICLE_DEPLOYER_PERMISSIONS,
      });
      if (seed) adopt(deployer.role, `${seed}/roles/${section.deployerRoleId}`);
      this.addOutput('deployer_role', deployer.role.name, 'Custom role to grant to the identity that runs Terraform');
    }

    const keyUsers = section.kmsKeyName ? this.keyUsers(section.kmsKeyName, projectId) : undefined;
    const registry = new DockerRepository(this, 'registry', {
      project: projectId,
      location: this.region,
      repositoryId: 'intersystems',
      description: 'InterSystems iris, webgateway and arbiter images',
      kmsKeyName: section.kmsKeyName,
      dependsOn: keyUsers ? [keyUsers.artifactregistry] : undefined,
    });
    if (seed) adopt(registry.repository, `${seed}/locations/${this.region}/repositories/intersystems`);
    const readerGrant = registry.grantReader('vm-sa', account.member);

    const license = new ExternalSecret(this, 'license', { project: projectId, secretId: section.licenseSecretId });
    const licenseGrant = license.grantAccessor('vm-sa', account.member);

    // The Web Gateway logs in to IRIS as CSPSystem. Its password is generated here and kept in Secret Manager; each
    // member reads it at boot (this secret only), sets it in IRIS and writes it into CSP.ini, so it is in neither the
    // repository nor the VMs' metadata. 32 letters and digits: the most IRIS's default password pattern (3.32ANP) allows.
    const cspPasswordSecretId = `${name}-cspsystem-password`;
    const cspPassword = new GeneratedPassword(this, 'csp-password', {
      project: projectId,
      secretId: cspPasswordSecretId,
      length: 32,
    });
    const cspPasswordGrant = cspPassword.grantAccessor('vm-sa', account.member);

    const publicVip = section.vip.public
      ? new ComputeAddress(this, 'public-vip', {
          name: PUBLIC_VIP_NAME,
          project: projectId,
          region: this.region,
          addressType: 'EXTERNAL',
          networkTier: 'PREMIUM',
        })
      : undefined;
    if (seed && publicVip) adopt(publicVip, `${regional}/addresses/${PUBLIC_VIP_NAME}`);

    this.firewall(vpc, section);

    const { vms } = section;
    const deployment: IrisDeployment = {
      registry: registry.url,
      irisVersion: section.irisVersion,
      mirrorName: section.mirrorName,
      names: { primary: vms.primary.name, backup: vms.backup.name, arbiter: vms.arbiter.name, client: vms.client.name },
      sshPort: section.sshPort,
      licenseSecret: `projects/${this.projectId}/secrets/${section.licenseSecretId}`,
      cspPasswordSecret: `projects/${this.projectId}/secrets/${cspPasswordSecretId}`,
    };
    const vipSettings: Record<string, string> = {
      'vip-alias-range': section.vip.alias,
      'vip-members': `${vms.primary.name}/${vms.primary.zone},${vms.backup.name}/${vms.backup.zone}`,
      ...(publicVip ? { 'vip-public-address': PUBLIC_VIP_NAME } : {}),
    };
    // On the first boot, right after creation, startup.sh on the members and the arbiter installs Docker from
    // download.docker.com (through NAT) and pulls from the registry as the VM's account; the members also read the
    // license and the CSPSystem password (whose version Terraform adds, so it must exist first) and the primary
    // claims the VIP (move-vip.py). The bastion shares the account and waits with them.
    const firstBootNeeds = [failoverGrant, readerGrant, licenseGrant, cspPasswordGrant, cspPassword.version, vpc.nat!];
    const diskNeeds = keyUsers ? [keyUsers.compute] : [];
    const vmOf: Partial<Record<IrisRole, Vm>> = {};
    for (const role of ['primary', 'backup', 'arbiter', 'client'] as const) {
      const vm = vms[role];
      const { startupScript, metadata } = vmMetadata(role, deployment, vipSettings);
      const member = role === 'primary' || role === 'backup';
      vmOf[role] = new Vm(this, role, {
        name: vm.name,
        project: projectId,
        zone: vm.zone,
        machineType: section.machineType,
        image: section.image,
        subnetwork: subnet.id,
        networkIp: vm.ip,
        serviceAccountEmail: account.email,
        tags: [TAGS[role]],
        diskSizeGb: section.diskSizeGb,
        diskType: section.diskType,
        diskKmsKey: section.kmsKeyName,
        startupScript,
        metadata,
        osLogin: section.ssh.osLogin,
        sshKeys: section.ssh.publicKey ? `${section.ssh.user}:${section.ssh.publicKey}` : undefined,
        publicIp: role === 'client',
        vipManagedOnVm: member,
        deletionProtection: member && section.deletionProtection,
        dependsOn: [...firstBootNeeds, ...diskNeeds],
      });
      if (seed) adopt(vmOf[role].instance, `${seed}/zones/${vm.zone}/instances/${vm.name}`);
    }

    const bastion = vmOf.client!.instance;
    const bastionIp = bastion.networkInterface.get(0).accessConfig.get(0).natIp;
    const vipIp = section.vip.alias.split('/')[0];
    const sshUser = section.ssh.user;
    this.addOutput('bastion_ip', bastionIp, 'Public address of the bastion (isc-client)');
    this.addOutput('vip', vipIp, 'Private VIP: always the current primary');
    this.addOutput(
      'ssh_primary',
      `ssh -p ${section.sshPort} -J ${sshUser}@${bastionIp}:${section.sshPort} ${sshUser}@${vms.primary.ip}`,
      'SSH to the primary through the bastion',
    );
    this.addOutput(
      'failover_check',
      `curl -s -o /dev/null -w '%%{http_code}' http://${vipIp}:8080/csp/sys/UtilHome.csp`,
      'Run on the bastion: 200 while some member is primary and holds the VIP',
    );
    this.addOutput('image_registry', registry.url, 'Push iris, webgateway and arbiter images here');
    this.addOutput(
      'cspsystem_password_command',
      cspPassword.readCommand,
      "Prints the password of IRIS's CSPSystem user, with which the Web Gateway logs in",
    );
    if (publicVip) this.addOutput('public_vip', publicVip.address, 'Public VIP, moved with the private one');
  }

  /**
   * The grants that let Compute Engine (boot disks) and Artifact Registry (images) encrypt with the configured key. The
   * Compute Engine agent exists once its API is on; Artifact Registry creates its agent with a project's first
   * repository, so a project without one needs it created first (docs/blueprints/iris-mirror.md, Prerequisites).
   */
  private keyUsers(keyName: string, projectId: string) {
    const { number } = new DataGoogleProject(this, 'project-number', { projectId });
    const grant = (service: 'compute' | 'artifactregistry') =>
      new ServiceAgentKeyUser(this, `${service}-key-user`, { keyName, projectNumber: number, service }).grant;
    return { compute: grant('compute'), artifactregistry: grant('artifactregistry') };
  }

  private firewall(vpc: Vpc, section: IrisMirrorConfig): void {
    const network = vpc.network.name;
    const project = vpc.network.project;
    // adoptExisting: each of the article's rules is imported into the one of ours that takes it over; the name forces
    // replacement (irisMirrorReplacements warns), so apply deletes the article's rule and creates ours.
    const seedRule = new Map<string, string>(IRIS_SEED.firewalls.map((r) => [r.ours, r.seed]));
    const rule = (id: string, props: Omit<ComputeFirewallConfig, 'network' | 'project' | 'name'>) => {
      const firewall = new ComputeFirewall(this, `firewall-${id}`, {
        name: `${section.networkName}-${id}`,
        network,
        project,
        direction: 'INGRESS',
        logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
        ...props,
      });
      const seedName = seedRule.get(id);
      if (section.adoptExisting && seedName) adopt(firewall, `projects/${this.projectId}/global/firewalls/${seedName}`);
    };
    const ssh = [{ protocol: 'tcp', ports: [String(section.sshPort)] }];
    if (section.sshSourceCidrs.length > 0) {
      rule('allow-ssh-bastion', {
        description: 'SSH to the bastion from the configured CIDRs only',
        sourceRanges: section.sshSourceCidrs,
        targetTags: [TAGS.client],
        allow: ssh,
      });
    }
    rule('allow-ssh-from-bastion', {
      description: 'SSH from the bastion to the mirror VMs (ProxyJump)',
      sourceTags: [TAGS.client],
      targetTags: [TAGS.primary, TAGS.arbiter],
      allow: ssh,
    });
    rule('allow-iris', {
      description: 'IRIS superserver, ISCAgent, web port and Web Gateway inside the subnet',
      sourceRanges: [section.subnetCidr],
      targetTags: [TAGS.primary, TAGS.arbiter],
      allow: [{ protocol: 'tcp', ports: IRIS_PORTS }],
    });
    if (section.vip.public) {
      rule('allow-iris-public', {
        description: 'IRIS client ports through the public VIP, from the configured CIDRs only',
        sourceRanges: section.vip.publicSourceCidrs,
        targetTags: [TAGS.primary],
        allow: [{ protocol: 'tcp', ports: PUBLIC_IRIS_PORTS }],
      });
    }
    rule('allow-icmp', {
      description: 'Ping inside the subnet',
      sourceRanges: [section.subnetCidr],
      targetTags: [TAGS.primary, TAGS.arbiter, TAGS.client],
      allow: [{ protocol: 'icmp' }],
    });
  }
}
