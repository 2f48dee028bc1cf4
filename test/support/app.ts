import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { runCli } from '../../lib/app/cli';
import { loadConfig } from '../../lib/config/load';
import { manifestYamlOf } from '../../lib/k8s/manifest';
import type { Waiver } from '../../lib/config/global';
import { Config, configSchema } from '../../lib/config/schema';
import { SecurityBaseline } from '../../lib/policy/baseline';
import { BlueprintContext, BlueprintStack } from '../../lib/stack/blueprint-stack';
import { addBlueprints } from '../../stacks';
import { EXAMPLE_CONFIG } from './example-text';

export { EXAMPLE_CONFIG, onlyBlueprints } from './example-text';
/** The stacks config/example.yaml enables, sorted. */
export const EXAMPLE_STACKS = [
  'cloudrun-mesh',
  'cloudrun-mesh-k8s',
  'cloudrun-mesh-routes',
  'cloudrun-mesh-services',
  'gke-playground',
  'ilp-connector',
  'ilp-connector-app',
  'iris-mirror',
  'skypilot',
  'skypilot-app',
  'state-bootstrap',
];

export interface SynthRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** `npm run synth -- <args>` in-process, with `env` as the app's environment (CDKTF_OUTDIR...); lines captured. */
export async function runSynth(args: readonly string[], env: NodeJS.ProcessEnv): Promise<SynthRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, addBlueprints, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/**
 * config/example.yaml, loaded once per test process: a test file builds many variants, and parsing the YAML was most of
 * each one's config. Never handed out itself: exampleConfig returns what the schema parses from it, new objects.
 */
let example: Config | undefined;

/** The example config, optionally changed: `overrides` is merged section by section. */
export function exampleConfig(overrides: Record<string, unknown> = {}): Config {
  example ??= loadConfig(EXAMPLE_CONFIG).config;
  return configSchema.parse(mergeSections(example as unknown as Record<string, unknown>, overrides));
}

/** `base` with `overrides` merged section by section (a section's keys replace those of the same name). */
export function mergeSections(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const section = base[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && section && typeof section === 'object'
        ? { ...(section as object), ...(value as object) }
        : value;
  }
  return merged;
}

/** A synth context whose output directory is ./cdktf.out, as in `npm run synth` (nothing is written there). */
export function testContext(config: Config): BlueprintContext {
  return { config, baseline: new SecurityBaseline(config.policy.waivers), outdir: path.resolve('cdktf.out') };
}

export function testApp(): App {
  // One shared outdir: tests synthesize in memory (Testing.synth), so nothing accumulates in it.
  return new App({ outdir: path.join(os.tmpdir(), 'gcp-blueprints-test'), stackTraces: false });
}

export interface BuiltApp {
  readonly stacks: Record<string, BlueprintStack>;
  readonly baseline: SecurityBaseline;
  /** Synthesized Terraform JSON of a stack (aspects run, so the baseline sees it). */
  readonly json: (stack: string) => TerraformJson;
}

export type TerraformJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string }>;
  locals?: Record<string, unknown>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: Record<string, unknown>;
  /** Import blocks (adoptExisting): the address a resource takes over and the id its provider imports it by. */
  import?: { to: string; id: string; provider?: string }[];
};

export function buildApp(config: Config): BuiltApp {
  const context = testContext(config);
  const stacks = Object.fromEntries(addBlueprints(testApp(), context, config).map((s) => [s.node.id, s]));
  const cache = new Map<string, TerraformJson>();
  return {
    stacks,
    baseline: context.baseline,
    json: (name) => {
      if (!cache.has(name)) cache.set(name, JSON.parse(Testing.synth(stacks[name])) as TerraformJson);
      return cache.get(name)!;
    },
  };
}

/**
 * The example config with one section changed (merged key by key) and extra waivers, built; `stacks` are
 * synthesized right away, so the baseline has reported on them.
 */
export function buildVariant(
  section: string,
  overrides: Record<string, unknown> = {},
  waivers: Waiver[] = [],
  stacks: readonly string[] = [],
): BuiltApp {
  const config = exampleConfig({ [section]: overrides });
  const built = buildApp({ ...config, policy: { waivers: [...config.policy.waivers, ...waivers] } });
  for (const stack of stacks) built.json(stack);
  return built;
}

/** The one resource of a type in a synthesized stack (fails when there are several or none). */
export function onlyResource(json: TerraformJson, type: string): Record<string, unknown> {
  const all = Object.values(json.resource?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** A Cloud Run URL label as the cloudrun-mesh-routes stack computes it from a data source, for `manifestOf`. */
const URL_HOST =
  /\$\{element\(regex\("https:\/\/\(\[a-z0-9-\]\+\)\[\.\]a\[\.\]run\[\.\]app", join\(" ", data\.google_cloud_run_v2_service\.service-([\w-]+)\.urls\)\), 0\)\}/g;

/**
 * The object of a kubernetes_manifest, written as yamldecode("<yaml>"). A Cloud Run service's URL host, read from its
 * data source at plan time, reads as `<service>-urlhost`.
 */
export function manifestOf(json: TerraformJson, name: string): Record<string, unknown> & { spec: Record<string, unknown> } {
  const manifest = resourcesOf(json, 'kubernetes_manifest')[name]?.manifest;
  if (typeof manifest !== 'string') throw new Error(`no kubernetes_manifest.${name}`);
  const yaml = manifestYamlOf(manifest.replace(URL_HOST, '$1-urlhost'));
  if (yaml === undefined) throw new Error(`kubernetes_manifest.${name} is not yamldecode("..."): ${manifest.slice(0, 80)}`);
  return parse(yaml) as Record<string, unknown> & { spec: Record<string, unknown> };
}
