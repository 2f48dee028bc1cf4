/** Which config file a run uses. Kept apart from the synth code so that scripts can ask without loading cdktf. */

export const DEFAULT_CONFIG = 'config/example.yaml';
/** Selects the config when flags cannot be passed (cdktf deploy runs the app itself). */
export const CONFIG_ENV = 'BLUEPRINT_CONFIG';

export interface ConfigChoice {
  readonly file: string;
  /** Neither the flag nor the environment named one: the example is used. */
  readonly isDefault: boolean;
}

/** The --config flag, else $BLUEPRINT_CONFIG, else the example. */
export function chooseConfig(flag: string | undefined, env: NodeJS.ProcessEnv): ConfigChoice {
  const chosen = flag ?? env[CONFIG_ENV];
  return chosen === undefined ? { file: DEFAULT_CONFIG, isDefault: true } : { file: chosen, isDefault: false };
}
