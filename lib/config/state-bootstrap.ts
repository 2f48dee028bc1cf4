import { z } from 'zod';
import { kmsKeyName } from './fields';

/** The `stateBootstrap` section: the bucket that holds every stack's Terraform state. */
export const stateBootstrapSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Bucket location. Default: the global region (state stays next to what it describes). */
  location: z
    .string()
    .regex(/^[A-Za-z]+(-[a-z]+\d+)?$/, 'must be a region (us-central1), dual-region or multi-region (EU, US)')
    .optional(),
  /** Noncurrent versions kept per state object before the oldest is deleted. */
  noncurrentVersionsToKeep: z.number().int().min(1).max(100).default(10),
  /** Days a deleted or overwritten object stays restorable (Cloud Storage soft delete, 7-90). */
  softDeleteRetentionDays: z.number().int().min(7).max(90).default(7),
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
