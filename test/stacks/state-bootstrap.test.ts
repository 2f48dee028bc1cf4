import { buildApp, EXAMPLE_STACKS, exampleConfig, onlyResource, resourcesOf } from '../support/app';

describe('state-bootstrap', () => {
  const built = buildApp(exampleConfig());
  const json = built.json('state-bootstrap');
  const bucket = onlyResource(json, 'google_storage_bucket');

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('the state bucket: versioned, uniform access, public access prevention, soft delete, kept', () => {
    expect(bucket).toMatchObject({
      name: 'example-project-123-tfstate',
      location: 'us-central1',
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      soft_delete_policy: { retention_duration_seconds: 7 * 24 * 3600 },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(bucket.encryption).toBeUndefined();
  });

  test('a bounded number of noncurrent versions', () => {
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { num_newer_versions: 10, with_state: 'ARCHIVED' } },
    ]);
  });

  test('local state outside cdktf.out, which every synth replaces', () => {
    expect(json.terraform?.backend).toEqual({
      local: { path: '../../../terraform-state/example/state-bootstrap.tfstate' },
    });
  });

  test('outputs the bucket name and the backend block for pipelines', () => {
    expect(json.output?.bucket_name.value).toBe('${google_storage_bucket.state.name}');
    expect(json.output?.backend_block.value).toBe(
      'terraform {\n  backend "gcs" {\n    bucket = "${google_storage_bucket.state.name}"\n    prefix = "example/<stack>"\n  }\n}',
    );
  });

  test('passes the security baseline with no waiver', () => {
    expect(built.baseline.violations).toEqual([]);
    expect(built.baseline.waived.filter((f) => f.stack === 'state-bootstrap')).toEqual([]);
  });
});

describe('state-bootstrap options', () => {
  test('CMEK: the key is set and the Cloud Storage agent may use it before the bucket exists', () => {
    const key = 'projects/p/locations/us-central1/keyRings/state/cryptoKeys/state';
    const json = buildApp(exampleConfig({ stateBootstrap: { kmsKeyName: key } })).json('state-bootstrap');
    expect(onlyResource(json, 'google_storage_bucket')).toMatchObject({
      encryption: { default_kms_key_name: key },
      depends_on: ['google_kms_crypto_key_iam_member.state_kms-grant'],
    });
    expect(onlyResource(json, 'google_kms_crypto_key_iam_member')).toEqual(
      expect.objectContaining({
        crypto_key_id: key,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: 'serviceAccount:${data.google_storage_project_service_account.state_gcs-agent.email_address}',
      }),
    );
  });

  test('after the first apply the state moves into its own bucket', () => {
    const json = buildApp(
      exampleConfig({ stateBootstrap: { backend: 'gcs', location: 'EU', noncurrentVersionsToKeep: 3 } }),
    ).json('state-bootstrap');
    expect(json.terraform?.backend).toEqual({
      gcs: { bucket: 'example-project-123-tfstate', prefix: 'example/state-bootstrap' },
    });
    expect(onlyResource(json, 'google_storage_bucket')).toMatchObject({ location: 'EU' });
    expect(Object.keys(resourcesOf(json, 'google_storage_bucket'))).toEqual(['state']);
  });

  test('a disabled blueprint adds no stack', () => {
    const built = buildApp(exampleConfig({ stateBootstrap: { enabled: false } }));
    expect(Object.keys(built.stacks).sort()).toEqual(EXAMPLE_STACKS.filter((name) => name !== 'state-bootstrap'));
  });
});
