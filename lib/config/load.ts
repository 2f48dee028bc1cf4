import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigProblem } from './errors';
import { Config, configSchema, configWarnings, crossFieldProblems } from './schema';

export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  /** Remarks about a valid config, printed by synth. */
  readonly warnings: readonly string[];
}

/** Reads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [problem('', `cannot read the file: ${(error as Error).message}`)]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = '<config>'): LoadedConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => problem('', `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`)),
    );
  }
  const data: unknown = document.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [problem('', 'must be a YAML mapping of settings', data, data !== null)]);
  }
  const result = configSchema.safeParse(data, { reportInput: true, error: defaultMessage });
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap((issue) => toProblems(issue, data))),
    // On a valid config the checks see the defaults too (an omitted zone is still us-central1-a).
    ...crossFieldProblems(result.success ? result.data : data).map((p) => problem(p.path.join('.'), p.message, p.input)),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(file, problems);
  return { file, config: result.data, warnings: configWarnings(result.data) };
}

function problem(path: string, message: string, got?: unknown, hasValue = got !== undefined): ConfigProblem {
  return { path, message, got, hasValue };
}

function toProblems(issue: z.core.$ZodIssue, data: unknown): ConfigProblem[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, allowed);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${allowed.join(', ')}`;
      return problem([...path, key].join('.'), `unknown key; ${hint}`, valueAt(data, [...path, key]));
    });
  }
  if (issue.code === 'invalid_key') {
    // A record key (a label name) is wrong: report the key's own rule, not zod's generic wrapper.
    return [problem(path.join('.'), issue.issues[0]?.message ?? issue.message, issue.input)];
  }
  const input = 'input' in issue ? issue.input : undefined;
  return [problem(path.join('.'), issue.message, input)];
}

/** Messages for zod's built-in checks, in the form "what is allowed". Schema-specific messages win over these. */
function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return issue.expected === 'int' ? 'must be a whole number' : `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return `must be ${bound(issue.origin, 'at least', issue.minimum)}`;
    case 'too_big':
      return `must be ${bound(issue.origin, 'at most', issue.maximum)}`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  if (origin === 'string') return `${relation} ${limit} characters long`;
  if (origin === 'array') return `a list of ${relation} ${limit} items`;
  return `${relation} ${limit}`;
}

/** The keys the schema accepts at a path, for typo hints. */
function allowedKeys(path: readonly string[]): string[] {
  let schema: z.core.$ZodType | undefined = configSchema;
  for (const key of [...path, '']) {
    while (schema && ['optional', 'default', 'prefault', 'nullable'].includes(schema._zod.def.type)) {
      schema = (schema._zod.def as unknown as { innerType: z.core.$ZodType }).innerType;
    }
    if (!schema) return [];
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (key === '') return def.shape ? Object.keys(def.shape) : [];
    if (def.type === 'object') schema = def.shape?.[key];
    else if (def.type === 'array') schema = def.element;
    else return [];
  }
  return [];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined),
    data,
  );
}
