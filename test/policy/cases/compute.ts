import type { Case } from './case';

const SA = 'vm@p.iam.gserviceaccount.com';

export const COMPUTE_CASES: Record<string, Case> = {
  CKV_GCP_39: {
    type: 'google_compute_instance',
    fails: { shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true } },
    passes: { shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true } },
  },
  CKV_GCP_32: {
    type: 'google_compute_instance',
    fails: { metadata: { 'block-project-ssh-keys': 'false' } },
    passes: { metadata: { 'block-project-ssh-keys': 'TRUE' } },
  },
  CKV_GCP_35: {
    type: 'google_compute_instance',
    fails: { metadata: { 'serial-port-enable': 'TRUE' } },
    passes: { metadata: { 'serial-port-enable': 'FALSE' } },
  },
  CKV_GCP_36: {
    type: 'google_compute_instance',
    fails: { can_ip_forward: true },
    passes: { can_ip_forward: false },
  },
  CKV_GCP_30: {
    type: 'google_compute_instance',
    fails: { service_account: { email: '123-compute@developer.gserviceaccount.com' } },
    passes: { service_account: { email: SA } },
  },
  CKV_GCP_34: {
    type: 'google_compute_instance',
    fails: { metadata: { 'enable-oslogin': 'FALSE' } },
    passes: { metadata: { 'enable-oslogin': 'TRUE' } },
  },
  CKV_GCP_40: {
    type: 'google_compute_instance',
    fails: { network_interface: [{ subnetwork: 's', access_config: [{ network_tier: 'PREMIUM' }] }] },
    passes: { network_interface: [{ subnetwork: 's' }] },
  },
  CKV_GCP_38: {
    type: 'google_compute_instance',
    fails: { boot_disk: { initialize_params: { image: 'rhel-cloud/rhel-9' } } },
    passes: { boot_disk: { kms_key_self_link: 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k' } },
  },
};
