import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { adoptExisting, asRecord, bucketName, kmsKeyName } from './fields';
import type { CrossFieldProblem } from './schema';

/** The `stateBootstrap` section: the bucket that holds every stack's Terraform state. */
export const stateBootstrapSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
  /** Bucket location. Default: the global region (state stays next to what it describes). */
  location: z
    .string()
    .regex(/^[A-Za-z]+(-[a-z]+\d+)?$/, 'must be a region (us-central1), dual-region or multi-region (EU, US)')
    .optional(),
  /** Noncurrent versions kept per state object before the oldest is deleted. */
  noncurrentVersionsToKeep: z.number().int().min(1).max(100).default(10),
  /** Days a deleted or overwritten object stays restorable (Cloud Storage soft delete, 7-90). */
  softDeleteRetentionDays: z.number().int().min(7).max(90).default(7),
  /**
   * Cloud Storage usage and storage logs of the state bucket (who read or wrote which state, hourly), kept in a bucket
   * of their own: the state holds secrets.
   */
  accessLogs: z
    .strictObject({
      /** The log bucket. Default: `<stateBucket>-access-logs`. */
      bucket: bucketName.optional(),
      /** Days a log object is kept before it is deleted. */
      retentionDays: z.number().int().min(1).max(3650).default(365),
    })
    .prefault({}),
  /** Customer-managed encryption key for the bucket. Default: Google-managed encryption. */
  kmsKeyName: kmsKeyName.optional(),
  /**
   * Where this stack keeps its own state. `local` for the first apply (the bucket does not exist yet), then `gcs`
   * and `cdktf deploy state-bootstrap --migrate-state` to move it into the bucket it created.
   */
  backend: z.enum(['local', 'gcs']).default('local'),
  /**
   * Local state file (with `backend: local`), relative to the directory synth runs in. Kept outside cdktf.out,
   * which every synth replaces. Default: terraform-state/<environment>/state-bootstrap.tfstate.
   */
  localStatePath: z.string().min(1).optional(),
});

export type StateBootstrapConfig = z.infer<typeof stateBootstrapSchema>;

/** The access-log bucket's name: the one configured, or `<stateBucket>-access-logs`. */
export function accessLogBucketName(section: StateBootstrapConfig, stateBucket: string): string {
  return section.accessLogs.bucket ?? `${stateBucket}-access-logs`;
}

/** The access-log bucket must be another bucket, with a name Cloud Storage accepts when it is the default. */
export function stateBootstrapProblems(section: unknown, stateBucket: unknown): CrossFieldProblem[] {
  const root = asRecord(section);
  if (root.enabled === false || typeof stateBucket !== 'string') return [];
  const configured = asRecord(root.accessLogs).bucket;
  const path = ['stateBootstrap', 'accessLogs', 'bucket'];
  if (configured === undefined) {
    const derived = `${stateBucket}-access-logs`;
    return derived.length > 63
      ? [{ path, input: undefined, message: `defaults to ${derived}, longer than a bucket name may be (63); name the log bucket` }]
      : [];
  }
  return configured === stateBucket
    ? [{ path, input: configured, message: 'must differ from stateBucket: a bucket logging into itself logs its own log writes' }]
    : [];
}

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts).
 */
export function stateBootstrapReplacements(config: Config): ForcedReplacement[] {
  const section = config.stateBootstrap;
  // The IRIS article's terraform-storage creates the bucket in its region (location = var.region), the region its
  // stacks use; location is ForceNew (google/services/storage/resource_storage_bucket.go at v6.50.0), compared upper-case.
  if (!section?.location || section.location.toUpperCase() === config.region.toUpperCase()) return [];
  return [
    {
      resource: `google_storage_bucket ${config.stateBucket}`,
      setting: 'location',
      seed: config.region,
      ours: section.location,
      // The article's REGION is the reader's choice: config cannot tell where the bucket is, so say how to check.
      decide:
        `check with gcloud storage buckets describe gs://${config.stateBucket} --format='value(location)': if it ` +
        `prints ${section.location.toUpperCase()}, nothing is replaced and this warning does not apply. Otherwise the ` +
        'bucket holds the Terraform state of every stack and is protected by prevent_destroy, so plan stops; leave ' +
        "stateBootstrap.location unset (or set it to the bucket's location), or copy the state to a new bucket first",
    },
  ];
}
