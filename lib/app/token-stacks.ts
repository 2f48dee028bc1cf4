// cdktf's own module, required (not imported) so that the bundle and the tests change the object cdktf itself calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };

const captureStackTrace = stackTrace.captureStackTrace;

/** The environment variable that turns the stacks back on for `npm run synth`: `SYNTH_TOKEN_STACKS=1`. */
export const TOKEN_STACKS_ENV = 'SYNTH_TOKEN_STACKS';

/**
 * Whether cdktf records the call stack of every token it creates. It names that stack only in the error of a token
 * that fails to resolve, which is a bug in a construct, never in a config; recording it costs a twentieth of a synth,
 * and in tests, where every frame is mapped back to TypeScript, three quarters of a stack test.
 */
export function recordTokenCreationStacks(on: boolean): void {
  stackTrace.captureStackTrace = on ? captureStackTrace : () => [];
}
