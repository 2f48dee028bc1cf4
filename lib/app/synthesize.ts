import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { LoadedConfig } from '../config/load';
import type { Config } from '../config/schema';
import { formatViolation, formatWaived, SecurityBaseline } from '../policy/baseline';
import type { BlueprintContext } from '../stack/blueprint-stack';

/** Adds the stacks a config enables to the app (stacks/index.ts). */
export type Compose = (scope: Construct, context: BlueprintContext, config: Config) => TerraformStack[];

export interface SynthesizedStack {
  readonly name: string;
  readonly resources: number;
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

/**
 * Synthesizes every enabled stack into `outdir`, all or nothing: the app writes into a staging directory beside it,
 * which replaces `outdir` only when synthesis and the security baseline both pass. Replacing (not merging) also
 * drops folders of stacks that are no longer enabled.
 */
export function synthesize(loaded: LoadedConfig, outdir: string, compose: Compose): SynthReport {
  const finalDir = path.resolve(outdir);
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const staging = fs.mkdtempSync(`${finalDir}.staging-`);
  try {
    const { config } = loaded;
    const baseline = new SecurityBaseline(config.policy.waivers);
    const app = new App({ outdir: staging, stackTraces: false });
    const stacks = withUnformattedStacks(() => {
      const composed = compose(app, { config, baseline, outdir: finalDir }, config);
      app.synth();
      return composed;
    });

    const violations = baseline.violations;
    if (violations.length > 0) throw new PolicyViolationError(violations.map(formatViolation));

    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(staging, finalDir);

    const names = stacks.map((stack) => stack.node.id);
    const manifest = JSON.parse(fs.readFileSync(path.join(finalDir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    return {
      stacks: stacks.map((stack) => ({
        name: stack.node.id,
        resources: stack.node.findAll().filter((node) => TerraformResource.isTerraformResource(node)).length,
        file: path.relative(process.cwd(), path.join(finalDir, manifest.stacks[stack.node.id].synthesizedStackPath)),
      })),
      notes: [
        ...baseline.waived.map(formatWaived),
        ...baseline
          .unusedWaivers(names)
          .map((w) => `unused waiver: ${w.rule} for ${w.stack}${w.resource ? `/${w.resource}` : ''} matched nothing`),
        ...loaded.warnings.map((warning) => `warning: ${warning}`),
      ],
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
