import { STORAGE_ANALYTICS_GROUP } from '../../lib/storage/access-log-bucket';
import { buildApp, EXAMPLE_STACKS, exampleConfig, onlyResource, resourcesOf } from '../support/app';
import { configProblems } from '../support/config';

describe('state-bootstrap', () => {
  const built = buildApp(exampleConfig());
  const json = built.json('state-bootstrap');
  const bucket = resourcesOf(json, 'google_storage_bucket').state;
  const logBucket = resourcesOf(json, 'google_storage_bucket')['access-logs'];

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

  test('a bounded number of noncurrent versions: 10 besides the live one, which numNewerVersions counts', () => {
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { num_newer_versions: 11, with_state: 'ARCHIVED' } },
    ]);
  });

  test("access to the state is logged into a bucket of its own that Cloud Storage may write to, granted first", () => {
    expect(bucket.logging).toEqual({
      log_bucket: '${google_storage_bucket.access-logs.name}',
      log_object_prefix: 'example-project-123-tfstate',
    });
    expect(bucket.depends_on).toEqual(['google_storage_bucket_iam_member.access-logs_analytics-writer']);
    expect(logBucket).toMatchObject({
      name: 'example-project-123-tfstate-access-logs',
      location: 'us-central1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
    expect(logBucket.logging).toBeUndefined();
    expect(logBucket.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { age: 365 } },
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 1, with_state: 'ARCHIVED' } },
    ]);
    expect(onlyResource(json, 'google_storage_bucket_iam_member')).toMatchObject({
      bucket: '${google_storage_bucket.access-logs.name}',
      role: 'roles/storage.objectCreator',
      member: STORAGE_ANALYTICS_GROUP,
    });
    expect(STORAGE_ANALYTICS_GROUP).toBe('group:cloud-storage-analytics@google.com');
    expect(json.output?.access_log_bucket.value).toBe('${google_storage_bucket.access-logs.name}');
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
    expect(resourcesOf(json, 'google_storage_bucket').state).toMatchObject({
      encryption: { default_kms_key_name: key },
      depends_on: ['google_kms_crypto_key_iam_member.state_kms-grant', 'google_storage_bucket_iam_member.access-logs_analytics-writer'],
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
    const buckets = resourcesOf(json, 'google_storage_bucket');
    expect(Object.keys(buckets).sort()).toEqual(['access-logs', 'state']);
    expect([buckets.state.location, buckets['access-logs'].location]).toEqual(['EU', 'EU']);
  });

  test('the log bucket and its retention can be set', () => {
    const json = buildApp(
      exampleConfig({ stateBootstrap: { accessLogs: { bucket: 'audit-logs-123', retentionDays: 30 } } }),
    ).json('state-bootstrap');
    expect(resourcesOf(json, 'google_storage_bucket')['access-logs']).toMatchObject({
      name: 'audit-logs-123',
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }, expect.anything()],
    });
  });

  test('a log bucket that is the state bucket, a default name too long, or a bad retention is refused', () => {
    const base = 'projectId: my-project-123\nregion: us-central1\nenvironment: dev\n';
    expect(
      configProblems(`${base}stateBucket: my-state\nstateBootstrap:\n  accessLogs: { bucket: my-state }\n`),
    ).toEqual([
      'stateBootstrap.accessLogs.bucket: must differ from stateBucket: a bucket logging into itself logs its own log writes (got "my-state")',
    ]);
    const long = 'b'.repeat(60);
    expect(configProblems(`${base}stateBucket: ${long}\n`)).toEqual([
      `stateBootstrap.accessLogs.bucket: defaults to ${long}-access-logs, longer than a bucket name may be (63); name the log bucket`,
    ]);
    expect(configProblems(`${base}stateBucket: ${long}\nstateBootstrap:\n  accessLogs: { bucket: short-logs }\n`)).toEqual([]);
    expect(configProblems(`${base}stateBucket: my-state\nstateBootstrap:\n  accessLogs: { retentionDays: 0 }\n`)).toEqual([
      expect.stringMatching(/^stateBootstrap\.accessLogs\.retentionDays: .*1.* \(got 0\)$/),
    ]);
  });

  test('a disabled blueprint adds no stack', () => {
    const built = buildApp(exampleConfig({ stateBootstrap: { enabled: false } }));
    expect(Object.keys(built.stacks).sort()).toEqual(EXAMPLE_STACKS.filter((name) => name !== 'state-bootstrap'));
  });
});
