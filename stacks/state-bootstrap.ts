import { Construct } from 'constructs';
import { accessLogBucketName, StateBootstrapConfig } from '../lib/config/state-bootstrap';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';
import { StateBucket } from '../lib/state/state-bucket';
import { AccessLogBucket } from '../lib/storage/access-log-bucket';

/**
 * `state-bootstrap`: the GCS bucket every other stack keeps its state in. It starts with local state (the bucket
 * cannot hold the state of its own creation); see docs/blueprints/state-bootstrap.md for moving it into the bucket.
 */
export class StateBootstrapStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: StateBootstrapConfig) {
    const { config } = context;
    super(scope, 'state-bootstrap', context, {
      localStatePath:
        section.backend === 'local'
          ? (section.localStatePath ?? `terraform-state/${config.environment}/state-bootstrap.tfstate`)
          : undefined,
    });

    const location = section.location ?? config.region;
    const accessLogs = new AccessLogBucket(this, 'access-logs', {
      name: accessLogBucketName(section, config.stateBucket),
      location,
      retentionDays: section.accessLogs.retentionDays,
    });
    const state = new StateBucket(this, 'state', {
      name: config.stateBucket,
      location,
      accessLogs,
      noncurrentVersionsToKeep: section.noncurrentVersionsToKeep,
      softDeleteRetentionDays: section.softDeleteRetentionDays,
      kmsKeyName: section.kmsKeyName,
    });
    // adoptExisting: the bucket named stateBucket exists already (the IRIS article's terraform-storage made
    // isc-mirror-demo-terraform-<project_id>); import it by the provider's documented `{{project_id}}/{{bucket}}`.
    if (section.adoptExisting) adopt(state.bucket, `${this.projectId}/${config.stateBucket}`);

    this.addOutput('bucket_name', state.bucket.name, 'Bucket holding the Terraform state of every stack');
    this.addOutput('access_log_bucket', accessLogs.bucket.name, "Bucket receiving the state bucket's usage and storage logs");
    this.addOutput(
      'backend_block',
      [
        'terraform {',
        '  backend "gcs" {',
        `    bucket = "${state.bucket.name}"`,
        `    prefix = "${config.environment}/<stack>"`,
        '  }',
        '}',
      ].join('\n'),
      'Backend block for a Terraform pipeline that runs a synthesized stack; replace <stack> with its name',
    );
  }
}
