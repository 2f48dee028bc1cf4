import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Manifest, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import type { LoadedConfig } from '../config/load';
import type { Config } from '../config/schema';
import { formatViolation, formatWaived, SecurityBaseline } from '../policy/baseline';
import { formatHcl } from './hcl-format';
import { adoptedResources } from '../stack/adopt';
import type { BlueprintContext, BlueprintStack } from '../stack/blueprint-stack';

/** Adds the stacks a config enables to the app (stacks/index.ts). */
export type Compose = (scope: Construct, context: BlueprintContext, config: Config) => BlueprintStack[];

export interface SynthesizedStack {
  readonly name: string;
  readonly resources: number;
  /** Resources Terraform imports instead of creating (`adoptExisting`), as `type.name` addresses. */
  readonly adopted: readonly string[];
  /** The project the stack's google provider defaults to. */
  readonly project: string;
  /** The synthesized file, relative to the working directory. */
  readonly file: string;
}

export interface SynthReport {
  readonly stacks: readonly SynthesizedStack[];
  /** Lines to print: waived findings, unused waivers and config warnings. */
  readonly notes: readonly string[];
}

/** Synth stopped by the security baseline; `message` lists every violation. */
export class PolicyViolationError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(
      [`security baseline: ${violations.length} violation(s); nothing was synthesized`, ...violations.map((v) => `  ${v}`)].join(
        '\n',
      ),
    );
    this.name = 'PolicyViolationError';
  }
}

/**
 * Runs `build` with stack traces that are never formatted. cdktf records the whole stack of every token it creates,
 * only to quote it in a rare error; formatting those stacks is a twentieth of a synth. An error thrown inside keeps
 * its stack: V8 formats it when it is first read, after this has returned.
 */
function withUnformattedStacks<T>(build: () => T): T {
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return build();
  } finally {
    Error.prepareStackTrace = format;
  }
}

/** How the output directory is shared with the cdktf CLI, when the CLI runs the app. */
export interface SynthOptions {
  /**
   * Leave folders of stacks that are no longer enabled for the cdktf CLI to delete. The CLI lists `stacks/` before it
   * runs the app and afterwards deletes each listed folder the new manifest lacks, failing when one is already gone
   * (@cdktf/cli-core 0.21.0, src/lib/synth-stack.js: `fs.rmSync(orphanedDirectory, { recursive: true })`).
   * @default false: synth deletes them itself
   */
  readonly leaveStaleStacksToCli?: boolean;
}

/**
 * What cdktf writes into a stack folder: the configuration as JSON or as HCL, and the HCL's metadata (cdktf 0.21
 * writes only files there). A re-synth replaces these and keeps the rest (`.terraform/`, `.terraform.lock.hcl`,
 * local state, plan files).
 */
const GENERATED_STACK_FILES = ['cdk.tf.json', 'cdk.tf', Manifest.stackMetadataPath];

/** Terraform's default local state: a folder holding it is never deleted by synth. */
const LOCAL_STATE_FILE = 'terraform.tfstate';

/**
 * Where Terraform remembers the backend a stack folder was initialised with: `{ "version": 3, "backend": { "type",
 * "config": <the backend block's attributes, for gcs bucket and prefix>, "hash" } }` (read off terraform 1.11.4).
 */
const BACKEND_CACHE = path.join('.terraform', 'terraform.tfstate');

/** Beside the stacks in the output folder, so moving the files into place never crosses a filesystem. */
const STAGING_PREFIX = '.staging-';

interface AppManifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

/**
 * Synthesizes every enabled stack into `outdir`, all or nothing. The app writes into a staging folder inside it; only
 * when synthesis, the security baseline and HCL formatting all pass are the generated files moved into place, each
 * renamed over the one it replaces. Each stack folder keeps what Terraform put there; folders of stacks no longer
 * enabled are removed.
 */
export async function synthesize(
  loaded: LoadedConfig,
  outdir: string,
  compose: Compose,
  options: SynthOptions = {},
): Promise<SynthReport> {
  const finalDir = path.resolve(outdir);
  const createdOutdir = !fs.existsSync(finalDir);
  fs.mkdirSync(finalDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(finalDir, STAGING_PREFIX));
  let published = false;
  try {
    const { config } = loaded;
    const baseline = new SecurityBaseline(config.policy.waivers);
    // HCL or JSON: cdktf reads SYNTH_HCL_OUTPUT from the process environment, each stack on its own.
    const app = new App({ outdir: staging, stackTraces: false });
    const stacks = withUnformattedStacks(() => {
      const composed = compose(app, { config, baseline, outdir: finalDir }, config);
      app.synth();
      return composed;
    });

    const violations = baseline.violations;
    if (violations.length > 0) throw new PolicyViolationError(violations.map(formatViolation));

    const manifest = JSON.parse(fs.readFileSync(path.join(staging, Manifest.fileName), 'utf8')) as AppManifest;
    if (app.hclOutput) await formatStacks(staging, manifest);
    const names = stacks.map((stack) => stack.node.id);
    // Checked even when the CLI deletes them: a failed app run stops the CLI before it deletes anything.
    const stale = staleStackFolders(finalDir, names);
    const removed = options.leaveStaleStacksToCli ? [] : stale;
    const otherBackends = otherBackendCaches(finalDir, stacks);
    publish(staging, finalDir, names, removed, otherBackends.map((cache) => cache.file));
    published = true;

    return {
      stacks: stacks.map((stack) => ({
        name: stack.node.id,
        resources: stack.node.findAll().filter((node) => TerraformResource.isTerraformResource(node)).length,
        adopted: adoptedResources(stack),
        project: stack.projectId,
        file: path.relative(process.cwd(), path.join(finalDir, manifest.stacks[stack.node.id].synthesizedStackPath)),
      })),
      notes: [
        ...baseline.waived.map(formatWaived),
        ...baseline
          .unusedWaivers(names)
          .map((w) => `unused waiver: ${w.rule} for ${w.stack}${w.resource ? `/${w.resource}` : ''} matched nothing`),
        ...removed.map((folder) => `removed ${path.relative(process.cwd(), folder)}: its stack is not enabled`),
        ...otherBackends.map((cache) => cache.note),
        ...loaded.warnings.map((warning) => `warning: ${warning}`),
      ],
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (createdOutdir && !published) fs.rmSync(finalDir, { recursive: true, force: true });
  }
}

/** Formats every stack's HCL as `terraform fmt` would (see hcl-format.ts). */
async function formatStacks(staging: string, manifest: AppManifest): Promise<void> {
  for (const stack of Object.values(manifest.stacks)) {
    const file = path.join(staging, stack.synthesizedStackPath);
    fs.writeFileSync(file, await formatHcl(fs.readFileSync(file, 'utf8')));
  }
}

/**
 * Folders under `<outdir>/stacks` of stacks this synth does not write. One that holds local Terraform state stops the
 * synth before anything is written: deleting it would lose the state of whatever that stack created.
 */
function staleStackFolders(finalDir: string, names: readonly string[]): string[] {
  const stacksDir = path.join(finalDir, Manifest.stacksFolder);
  if (!fs.existsSync(stacksDir)) return [];
  const stale = fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !names.includes(entry.name))
    .map((entry) => path.join(stacksDir, entry.name));
  const withState = stale.filter((folder) => fs.existsSync(path.join(folder, LOCAL_STATE_FILE)));
  if (withState.length > 0) {
    const list = withState.map((folder) => path.relative(process.cwd(), path.join(folder, LOCAL_STATE_FILE))).join(', ');
    throw new Error(
      `${list}: Terraform state of a stack that is no longer enabled; destroy that stack or move its state away ` +
        'first (synth removes the folders of stacks it no longer writes)',
    );
  }
  return stale;
}

/**
 * Backend caches of stack folders initialised for another bucket or prefix, such as another environment's config
 * synthesized into the same folder. Left in place, `terraform init` would offer to copy that state into this
 * config's prefix (and `cdktf deploy --migrate-state` would accept). Dropped, init starts from this config's backend
 * and copies nothing; the providers in `.terraform/` stay. A change between backend types (state-bootstrap moving its
 * state from local to gcs) is left for Terraform to migrate.
 */
function otherBackendCaches(finalDir: string, stacks: readonly BlueprintStack[]): { file: string; note: string }[] {
  return stacks.flatMap((stack) => {
    const file = path.join(finalDir, Manifest.stacksFolder, stack.node.id, BACKEND_CACHE);
    if (!stack.gcsState || !fs.existsSync(file)) return [];
    let cached: { backend?: { type?: string; config?: { bucket?: string; prefix?: string } } };
    try {
      cached = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
    const { type, config } = cached.backend ?? {};
    const { bucket, prefix } = stack.gcsState;
    if (type !== 'gcs' || (config?.bucket === bucket && config?.prefix === prefix)) return [];
    return [
      {
        file,
        note:
          `${stack.node.id}: dropped ${path.relative(process.cwd(), file)}, which named gs://${config?.bucket}/` +
          `${config?.prefix}; this config keeps state in gs://${bucket}/${prefix}, and terraform init now starts ` +
          'there without copying state',
      },
    ];
  });
}

/**
 * Moves the staged files into `finalDir`. Per stack, each generated file is renamed over the one it replaces, and a
 * file of the other format is removed (Terraform would read both); nothing else in the folder is touched.
 */
function publish(
  staging: string,
  finalDir: string,
  names: readonly string[],
  removeFolders: readonly string[],
  removeFiles: readonly string[],
): void {
  for (const name of names) {
    const from = path.join(staging, Manifest.stacksFolder, name);
    const to = path.join(finalDir, Manifest.stacksFolder, name);
    fs.mkdirSync(to, { recursive: true });
    const written = fs.readdirSync(from);
    for (const entry of written) fs.renameSync(path.join(from, entry), path.join(to, entry));
    for (const file of GENERATED_STACK_FILES.filter((generated) => !written.includes(generated))) {
      fs.rmSync(path.join(to, file), { force: true });
    }
  }
  for (const file of removeFiles) fs.rmSync(file, { force: true });
  for (const folder of removeFolders) fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(path.join(staging, Manifest.fileName), path.join(finalDir, Manifest.fileName));
}
