import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Manifest, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import type { LoadedConfig } from '../config/load';
import type { Config } from '../config/schema';
import { formatViolation, formatWaived, SecurityBaseline } from '../policy/baseline';
import { formatHcl } from './hcl-format';
import type { BlueprintContext, BlueprintStack } from '../stack/blueprint-stack';

/** Adds the stacks a config enables to the app (stacks/index.ts). */
export type Compose = (scope: Construct, context: BlueprintContext, config: Config) => BlueprintStack[];

export interface SynthesizedStack {
  readonly name: string;
  readonly resources: number;
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
 * What cdktf can write into a stack folder: the configuration as JSON or as HCL, and the HCL's metadata. A re-synth
 * replaces these and keeps the rest (`.terraform/`, `.terraform.lock.hcl`, local state, plan files).
 */
const GENERATED_STACK_FILES = ['cdk.tf.json', 'cdk.tf', Manifest.stackMetadataPath];

/** Terraform's default local state: a folder holding it is never deleted by synth. */
const LOCAL_STATE_FILE = 'terraform.tfstate';

interface AppManifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

/**
 * Synthesizes every enabled stack into `outdir`, all or nothing. The app writes into a staging directory beside it;
 * only when synthesis, the security baseline and HCL formatting all pass are the generated files moved into `outdir`.
 * Each stack folder keeps what Terraform put there; folders of stacks no longer enabled are removed.
 */
export async function synthesize(
  loaded: LoadedConfig,
  outdir: string,
  compose: Compose,
  options: SynthOptions = {},
): Promise<SynthReport> {
  const finalDir = path.resolve(outdir);
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const staging = fs.mkdtempSync(`${finalDir}.staging-`);
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
    const removed = options.leaveStaleStacksToCli ? [] : staleStackFolders(finalDir, names);
    publish(staging, finalDir, names, removed);

    return {
      stacks: stacks.map((stack) => ({
        name: stack.node.id,
        resources: stack.node.findAll().filter((node) => TerraformResource.isTerraformResource(node)).length,
        project: stack.projectId,
        file: path.relative(process.cwd(), path.join(finalDir, manifest.stacks[stack.node.id].synthesizedStackPath)),
      })),
      notes: [
        ...baseline.waived.map(formatWaived),
        ...baseline
          .unusedWaivers(names)
          .map((w) => `unused waiver: ${w.rule} for ${w.stack}${w.resource ? `/${w.resource}` : ''} matched nothing`),
        ...removed.map((folder) => `removed ${path.relative(process.cwd(), folder)}: its stack is not enabled`),
        ...loaded.warnings.map((warning) => `warning: ${warning}`),
      ],
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
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

/** Moves the staged files into `finalDir`: per stack, the generated files replace the old ones and nothing else. */
function publish(staging: string, finalDir: string, names: readonly string[], remove: readonly string[]): void {
  for (const name of names) {
    const from = path.join(staging, Manifest.stacksFolder, name);
    const to = path.join(finalDir, Manifest.stacksFolder, name);
    fs.mkdirSync(to, { recursive: true });
    // A switch between JSON and HCL must not leave the other format behind: Terraform would read both.
    for (const file of GENERATED_STACK_FILES) fs.rmSync(path.join(to, file), { force: true });
    for (const entry of fs.readdirSync(from)) {
      fs.rmSync(path.join(to, entry), { recursive: true, force: true });
      fs.renameSync(path.join(from, entry), path.join(to, entry));
    }
  }
  for (const folder of remove) fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(path.join(staging, Manifest.fileName), path.join(finalDir, Manifest.fileName));
}
