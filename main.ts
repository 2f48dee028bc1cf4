// Entry point for `npm run synth` and for the cdktf CLI (cdktf.json "app"): load config, add enabled blueprints, synth.
import { runCli } from './lib/app/cli';
import { recordTokenCreationStacks, TOKEN_STACKS_ENV } from './lib/app/token-stacks';
import { addBlueprints } from './stacks';

recordTokenCreationStacks(process.env[TOKEN_STACKS_ENV] === '1');
void runCli(process.argv.slice(2), process.env, addBlueprints).then((code) => {
  process.exitCode = code;
});
