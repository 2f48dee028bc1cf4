import { ITerraformDependable } from 'cdktf';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { Construct } from 'constructs';
import { terraformLiteral } from '../assets';

export interface VmProps {
  readonly name: string;
  readonly project: string;
  readonly zone: string;
  readonly machineType: string;
  /** Boot image: `project/family`, `project/image` or a full path. */
  readonly image: string;
  readonly subnetwork: string;
  /** Fixed private address on nic0. */
  readonly networkIp: string;
  readonly serviceAccountEmail: string;
  /** Network tags: firewall rules target these. */
  readonly tags: readonly string[];
  /** @default 100 */
  readonly diskSizeGb?: number;
  /** @default pd-balanced */
  readonly diskType?: string;
  /**
   * Customer-managed key for the boot disk (CKV_GCP_38); the Compute Engine service agent must be able to use it first
   * (pass that grant in `dependsOn`).
   * @default Google-managed encryption
   */
  readonly diskKmsKey?: string;
  /**
   * Script run as root on every boot (metadata `startup-script`: changing it does not replace the VM).
   * @default none
   */
  readonly startupScript?: string;
  /**
   * Log in with OS Login (IAM) instead of the key in `sshKeys`.
   * @default false
   */
  readonly osLogin?: boolean;
  /** `user:ssh-ed25519 AAAA... comment` lines, when OS Login is off. @default none */
  readonly sshKeys?: string;
  /** More metadata entries (settings for programs on the VM). @default none */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * An ephemeral public address on nic0 (a bastion); every other VM reaches out through Cloud NAT.
   * @default false
   */
  readonly publicIp?: boolean;
  /**
   * Leave nic0's alias IP ranges and access configs to a program on the VMs (a moving VIP): Terraform neither adds
   * nor removes them after creation.
   * @default false
   */
  readonly vipManagedOnVm?: boolean;
  /** @default false */
  readonly deletionProtection?: boolean;
  /**
   * What the startup script needs on the first boot, which runs once the VM exists: its service account's grants
   * (image pulls, secrets), Cloud NAT for a VM without a public address. @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Compute Engine VM with the baseline on: Shielded VM (CKV_GCP_39), no project-wide SSH keys (CKV_GCP_32), no serial
 * console (CKV_GCP_35), no IP forwarding (CKV_GCP_36), a dedicated service account (CKV_GCP_30).
 */
export class Vm extends Construct {
  readonly instance: ComputeInstance;

  constructor(scope: Construct, id: string, props: VmProps) {
    super(scope, id);
    if (!props.osLogin && !props.sshKeys) {
      throw new Error(`VM ${props.name}: give sshKeys or turn on osLogin, or nobody can log in`);
    }
    this.instance = new ComputeInstance(this, 'Resource', {
      name: props.name,
      project: props.project,
      zone: props.zone,
      machineType: props.machineType,
      tags: [...props.tags],
      bootDisk: {
        autoDelete: true,
        initializeParams: { image: props.image, size: props.diskSizeGb ?? 100, type: props.diskType ?? 'pd-balanced' },
        kmsKeySelfLink: props.diskKmsKey,
      },
      networkInterface: [
        {
          subnetwork: props.subnetwork,
          networkIp: props.networkIp,
          accessConfig: props.publicIp ? [{ networkTier: 'PREMIUM' }] : undefined,
        },
      ],
      serviceAccount: { email: props.serviceAccountEmail, scopes: ['https://www.googleapis.com/auth/cloud-platform'] },
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      canIpForward: false,
      allowStoppingForUpdate: true,
      deletionProtection: props.deletionProtection ?? false,
      metadata: {
        ...props.metadata,
        'block-project-ssh-keys': 'TRUE',
        'enable-oslogin': props.osLogin ? 'TRUE' : 'FALSE',
        'serial-port-enable': 'FALSE',
        // Config text, not an expression: a key comment holding ${ or %{ must reach the VM as written.
        ...(props.sshKeys && !props.osLogin ? { 'ssh-keys': terraformLiteral(props.sshKeys) } : {}),
        ...(props.startupScript ? { 'startup-script': props.startupScript } : {}),
      },
      lifecycle: props.vipManagedOnVm
        ? { ignoreChanges: ['network_interface[0].alias_ip_range', 'network_interface[0].access_config'] }
        : undefined,
      dependsOn: props.dependsOn,
    });
  }
}
