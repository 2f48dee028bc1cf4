// Entry point for `npm run synth` and for the cdktf CLI (cdktf.json "app"): load config, add enabled blueprints, synth.
import { runCli } from './lib/app/cli';
import { addBlueprints } from './stacks';

void runCli(process.argv.slice(2), process.env, addBlueprints).then((code) => {
  process.exitCode = code;
});
