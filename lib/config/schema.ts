import { z } from 'zod';
import { regionOfZone } from './fields';
import { gkePlaygroundSchema } from './gke-playground';
import { globalShape } from './global';
import { stateBootstrapSchema } from './state-bootstrap';

/**
 * The whole config file. Cross-field checks run even when other fields are wrong (`when`), so one run lists every
 * problem; they therefore read the raw values defensively.
 */
export const configSchema = z
  .strictObject({
    ...globalShape,
    stateBootstrap: stateBootstrapSchema.prefault({}),
    gkePlayground: gkePlaygroundSchema.prefault({}),
  })
  .superRefine(
    (config, ctx) => {
      const region = config.region;
      const zone = config.gkePlayground?.zone;
      if (typeof region === 'string' && typeof zone === 'string' && regionOfZone(zone) !== region) {
        ctx.addIssue({
          code: 'custom',
          path: ['gkePlayground', 'zone'],
          input: zone,
          message: `must be a zone of the region ${region} (such as ${region}-b)`,
        });
      }
    },
    { when: () => true },
  );

export type Config = z.infer<typeof configSchema>;
/** The settings every stack shares. */
export type GlobalConfig = Pick<Config, 'projectId' | 'region' | 'environment' | 'labels' | 'stateBucket' | 'policy'>;

/** Non-fatal remarks about a valid config: printed by synth, never block it. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const playground = config.gkePlayground;
  if (playground.enabled && /^(f1-micro|g1-small|e2-micro)$/.test(playground.machineType)) {
    warnings.push(
      `gkePlayground.machineType: ${playground.machineType} has too little memory for today's GKE system pods; ` +
        'GKE refuses f1-micro node pools and the others leave no room for workloads (e2-medium is the default)',
    );
  }
  return warnings;
}
