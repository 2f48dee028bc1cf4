import { attribute, Attributes, DEFAULT_COMPUTE_SA, Rule } from './rule';

const INSTANCE = 'google_compute_instance';

function metadataFlag(attrs: Attributes, key: string): string | undefined {
  const value = attribute(attrs, `metadata.${key}`);
  return typeof value === 'string' ? value.toLowerCase() : typeof value === 'boolean' ? String(value) : undefined;
}

/** Compute Engine instances (CIS GCP 4.x). */
export const COMPUTE_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_39',
    resourceTypes: [INSTANCE],
    check: (a) =>
      ['enable_secure_boot', 'enable_vtpm', 'enable_integrity_monitoring'].every(
        (key) => attribute(a, `shielded_instance_config.${key}`) === true,
      )
        ? undefined
        : 'not a Shielded VM (Secure Boot, vTPM and integrity monitoring must all be on)',
    fix: 'set shielded_instance_config { enable_secure_boot = true, enable_vtpm = true, enable_integrity_monitoring = true }',
  },
  {
    id: 'CKV_GCP_32',
    resourceTypes: [INSTANCE],
    check: (a) =>
      metadataFlag(a, 'block-project-ssh-keys') === 'true' ? undefined : 'project-wide SSH keys can log in to the VM',
    fix: 'set metadata "block-project-ssh-keys" = "true"',
  },
  {
    id: 'CKV_GCP_35',
    resourceTypes: [INSTANCE],
    check: (a) => (metadataFlag(a, 'serial-port-enable') === 'true' ? 'the interactive serial console is enabled' : undefined),
    fix: 'remove metadata "serial-port-enable" or set it to "false"',
  },
  {
    id: 'CKV_GCP_36',
    resourceTypes: [INSTANCE],
    check: (a) => (a.can_ip_forward === true ? 'the VM may forward packets for other addresses' : undefined),
    fix: 'set can_ip_forward = false (an alias IP needs no forwarding)',
  },
  {
    id: 'CKV_GCP_30',
    resourceTypes: [INSTANCE],
    check: (a) => {
      const email = attribute(a, 'service_account.email');
      return typeof email === 'string' && email !== 'default' && !DEFAULT_COMPUTE_SA.test(email)
        ? undefined
        : 'the VM runs as the Compute Engine default service account';
    },
    fix: 'set service_account { email = <a dedicated service account> }',
  },
  {
    id: 'CKV_GCP_34',
    resourceTypes: [INSTANCE],
    check: (a) =>
      metadataFlag(a, 'enable-oslogin') === 'false'
        ? 'the VM turns OS Login off (metadata enable-oslogin = FALSE), overriding the project'
        : undefined,
    fix: 'remove metadata "enable-oslogin" or set it to "TRUE" and grant roles/compute.osLogin to who logs in',
  },
  {
    id: 'CKV_GCP_40',
    resourceTypes: [INSTANCE],
    check: (a) =>
      attribute(a, 'network_interface.access_config') !== undefined ? 'the VM has a public IP address' : undefined,
    fix: 'remove network_interface.access_config; reach the VM through IAP or a bastion, and the internet through Cloud NAT',
  },
  {
    id: 'CKV_GCP_38',
    resourceTypes: [INSTANCE],
    // checkov also accepts a raw customer-supplied key, which would sit in the config and the state: we do not.
    check: (a) =>
      typeof attribute(a, 'boot_disk.kms_key_self_link') === 'string'
        ? undefined
        : 'the boot disk is encrypted with a Google-managed key, not one of yours (no boot_disk.kms_key_self_link)',
    fix: 'set boot_disk { kms_key_self_link = <Cloud KMS key> } and let the Compute Engine service agent use the key',
  },
];
