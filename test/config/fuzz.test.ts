import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ConfigError, formatProblem } from '../../lib/config/errors';
import { parseConfig } from '../../lib/config/load';
import { buildApp, EXAMPLE_CONFIG } from '../support/app';
import { strings } from '../support/terraform-json';

/**
 * Property-style: the example config mutated many ways (types swapped, keys dropped or added, strings replaced with
 * text that Terraform or YAML would read specially). Every outcome is either a ConfigError whose problems all read
 * `path: what is wrong`, or a config whose synthesized output holds no config text as a live Terraform template.
 */

/** Text a config string might carry that means something to Terraform, HCL or YAML. */
const ODD_STRINGS = [
  '${var.injected}',
  '%{ if true }injected%{ endif }',
  'a"b',
  "it's",
  'line\nbreak',
  'back\\slash',
  '$${x}',
  '${',
];
/** What must never appear unescaped in the output: a template sequence that came from config. */
const LIVE_TEMPLATE = /(^|[^$])\$\{var\.injected\}|(^|[^%])%\{ if true \}/;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A small deterministic generator, so a failure reproduces with its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Every path to a value in the document (keys of mappings, indices of lists). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [
    prefix,
    ...children.flatMap((key) => paths((value as Record<string, Json>)[key as string], [...prefix, key])),
  ];
}

function valueAt(document: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string], document);
}

function setAt(document: Json, path: (string | number)[], value: Json): void {
  const parent = valueAt(document, path.slice(0, -1)) as Record<string, Json>;
  parent[path[path.length - 1] as string] = value;
}

/** A copy of `document` changed at one of `targets`, its paths but the root (the same for every copy: listed once). */
function mutate(document: Json, targets: (string | number)[][], next: () => number): Json {
  const copy = structuredClone(document);
  const path = targets[Math.floor(next() * targets.length)];
  const parent = path
    .slice(0, -1)
    .reduce<Json>((node, key) => (node as Record<string, Json>)[key as string], copy) as Record<string, Json>;
  const key = path[path.length - 1] as string;
  const current = parent[key];
  const odd = ODD_STRINGS[Math.floor(next() * ODD_STRINGS.length)];
  switch (Math.floor(next() * 5)) {
    case 0: // drop the key
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 1: // swap the type
      parent[key] =
        typeof current === 'string'
          ? 42
          : typeof current === 'number'
          ? String(current)
          : Array.isArray(current)
          ? {}
          : [];
      break;
    case 2: // odd text instead of the value
      parent[key] = odd;
      break;
    case 3: // odd text inside a string value
      parent[key] = typeof current === 'string' ? `${current}${odd}` : odd;
      break;
    default: // a key nobody knows
      if (!Array.isArray(parent)) parent[`${key}Extra`] = odd;
  }
  return copy;
}

describe('the loader under many mutated configs', () => {
  const example = parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as Json;
  const targets = paths(example).filter((p) => p.length > 0);
  const next = random(20261201);
  let accepted = 0;
  let refused = 0;

  test('every mutation is refused with `path: message` problems, or accepted', () => {
    for (let i = 0; i < 300; i++) {
      const text = stringify(mutate(example, targets, next));
      try {
        parseConfig(text, 'fuzz.yaml');
        accepted++;
      } catch (error) {
        // Anything but a ConfigError (a TypeError, a zod internal) is a bug in the loader.
        expect(error).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) expect(formatProblem(problem)).toMatch(/^[\w.[\]()-]+: \S/);
        expect((error as Error).message.split('\n')[0]).toMatch(/^fuzz\.yaml: \d+ problems?; nothing was synthesized$/);
        refused++;
      }
    }
    // Both outcomes happen: the mutations are neither all fatal nor all harmless.
    expect(refused).toBeGreaterThan(50);
    expect(accepted).toBeGreaterThan(20);
  });

  test('text the loader accepts never reaches the output as a live Terraform template', () => {
    // Every string setting with Terraform template text appended, one at a time; then all that the loader accepts
    // together, synthesized once: each such text must come out escaped ($${ or %%{).
    const leaves = paths(example).filter((path) => typeof valueAt(example, path) === 'string');
    const combined = structuredClone(example);
    let carried = 0;
    for (const path of leaves) {
      for (const payload of ['${var.injected}', '%{ if true }injected%{ endif }']) {
        const single = structuredClone(example);
        setAt(single, path, `${valueAt(example, path) as string}${payload}`);
        try {
          parseConfig(stringify(single), 'fuzz.yaml');
        } catch {
          continue;
        }
        setAt(combined, path, `${valueAt(combined, path) as string}${payload}`);
        carried++;
      }
    }
    expect(carried).toBeGreaterThan(0);
    // Accepted one by one, so together too (no rule relates these free-text settings).
    const built = buildApp(parseConfig(stringify(combined), 'fuzz.yaml').config);
    for (const stack of Object.keys(built.stacks)) {
      const live = strings(built.json(stack)).filter(([, text]) => LIVE_TEMPLATE.test(text));
      expect({ stack, live }).toEqual({ stack, live: [] });
    }
  });
});
