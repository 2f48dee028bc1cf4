import { ConfigError } from '../config/errors';
import { loadConfig } from '../config/load';
import type { GlobalConfig } from '../config/schema';
import { chooseConfig, CONFIG_ENV, ConfigChoice, DEFAULT_CONFIG } from './config-file';
import { Compose, PolicyViolationError, synthesize } from './synthesize';
import { TOKEN_STACKS_ENV } from './token-stacks';

const USAGE = `usage: npm run synth -- [--config <file>]
  Synthesizes every stack the config enables into cdktf.out/stacks/<stack>/.
  --config <file>   config file (default: $${CONFIG_ENV}, else ${DEFAULT_CONFIG})
  SYNTH_HCL_OUTPUT=true writes HCL (cdk.tf) instead of JSON (cdk.tf.json).
  ${TOKEN_STACKS_ENV}=1 records where each cdktf token is created, for an error that says "Token created:".`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Set by the cdktf CLI for the app it runs (@cdktf/cli-core 0.21.0, src/lib/synth-stack.js), and by nothing else: the
 * CLI then deletes the folders of stacks that are no longer enabled itself.
 */
const SET_BY_CDKTF_CLI = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';

/** Runs a synth from command-line arguments; resolves to the process exit code. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  compose: Compose,
  io: CliIo = consoleIo,
): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    io.err(`${args.error}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const choice = chooseConfig(args.config, env);
  const configFile = choice.file;
  // The cdktf CLI tells the app where to write through CDKTF_OUTDIR.
  const outdir = env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    const loaded = loadConfig(configFile);
    io.out(configLine(loaded.config, choice));
    const report = await synthesize(loaded, outdir, compose, { leaveStaleStacksToCli: env[SET_BY_CDKTF_CLI] !== undefined });
    const width = Math.max(...report.stacks.map((s) => s.name.length));
    for (const stack of report.stacks) {
      const ownProject = stack.project !== loaded.config.projectId ? `  (project ${stack.project})` : '';
      const adopted = stack.adopted.length > 0 ? `  (imports ${stack.adopted.length} existing)` : '';
      io.out(`${stack.name.padEnd(width)}  ${String(stack.resources).padStart(3)} resources  ${stack.file}${ownProject}${adopted}`);
    }
    if (report.stacks.length === 0) io.out(`no stack is enabled in ${configFile}`);
    for (const note of report.notes) io.out(note);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PolicyViolationError) {
      io.err(error.message);
    } else {
      io.err(`synth failed; nothing was synthesized: ${(error as Error).message}`);
    }
    return 1;
  }
}

/** What this synth was made from, so nobody deploys the example by mistake. */
function configLine(config: GlobalConfig, choice: ConfigChoice): string {
  const source = choice.isDefault ? ` (the default: no --config or ${CONFIG_ENV} given)` : '';
  return `config ${choice.file}${source}: project ${config.projectId}, region ${config.region}, environment ${config.environment}`;
}

function parseArgs(argv: readonly string[]): { config?: string; help?: boolean } | { error: string } {
  const parsed: { config?: string; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--config') {
      const value = argv[++i];
      if (!value) return { error: '--config needs a file' };
      parsed.config = value;
    } else if (arg.startsWith('--config=')) parsed.config = arg.slice('--config='.length);
    else return { error: `unknown argument ${arg}` };
  }
  return parsed;
}
