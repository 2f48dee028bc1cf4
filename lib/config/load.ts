import { readFileSync } from 'node:fs';
import { CST, LineCounter, Parser, parseDocument, YAMLError } from 'yaml';
import { z } from 'zod';
import { ConfigError, ConfigProblem } from './errors';
import { credentialKind } from './secrets';
import { withLocationDefaults } from './location-defaults';
import { closest } from './suggest';
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
  const data = parseYaml(text, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [problem('', 'must be a YAML mapping of settings', data, data !== null)]);
  }
  // Zones the file leaves out follow its region (the catalog's zones), so moving a config needs only what it names.
  const { data: located, derived } = withLocationDefaults(data);
  const result = configSchema.safeParse(located, { reportInput: true, error: defaultMessage });
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap((issue) => toProblems(issue, located))),
    // On a valid config the checks see the defaults too; a problem with a value the file does not hold says so.
    ...crossFieldProblems(result.success ? result.data : located).map((p) =>
      problem(p.path.join('.'), p.message + origin(data, p.path, derived, p.input), p.input),
    ),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(file, problems);
  return { file, config: result.data, warnings: configWarnings(result.data) };
}

/** For a value the file does not hold: where it came from, and the key that changes it. */
function origin(data: unknown, path: readonly string[], derived: ReadonlySet<string>, value: unknown): string {
  // Nothing to say about a value the file holds, or about one that is missing altogether ("is required").
  if (value === undefined || valueAt(data, path) !== undefined) return '';
  const key = path.join('.');
  return derived.has(key) ? `; it follows region: set ${key} to choose another` : `; that is the default: set ${key} to choose another`;
}

function problem(path: string, message: string, got?: unknown, hasValue = got !== undefined): ConfigProblem {
  const secret = hasValue ? secretKind(path, got) : undefined;
  // A credential is dropped here, not only hidden when printed: the error object never carries it.
  return secret ? { path, message, hasValue, secret } : { path, message, got, hasValue };
}

/**
 * The kind of credential a value looks like. Its key counts only when the schema does not declare it (an unknown key,
 * a label): a declared key says what it holds, and none holds a secret (`passwordSecretId` names one).
 */
function secretKind(path: string, value: unknown): string | undefined {
  const keys = path === '' ? [] : path.split('.');
  const key = keys.at(-1);
  const declared = key !== undefined && allowedKeys(keys.slice(0, -1)).includes(key);
  return credentialKind(value, declared ? undefined : key);
}

/** How many YAML errors are listed: after the first few, most are echoes of the first. */
const MAX_YAML_ERRORS = 3;

/** YAML text to data, or a ConfigError with a few located YAML problems. */
function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) throw new ConfigError(file, yamlProblems(text, document.errors));
  try {
    // An alias bomb ("billion laughs") stops here instead of filling the memory.
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias count/i.test(message)) {
      return fail(file, 'invalid YAML: its aliases (*name) expand to too many values, as in an alias bomb; expand them by hand');
    }
    return fail(file, `invalid YAML: ${message}`);
  }
}

function fail(file: string, message: string): never {
  throw new ConfigError(file, [problem('', message)]);
}

function yamlProblems(text: string, errors: readonly YAMLError[]): ConfigProblem[] {
  const lines = text.split(/\r?\n/);
  const notYaml = notYamlProblem(lines);
  if (notYaml) return [notYaml];
  const unclosed = unclosedFlowCollections(text);
  const problems: ConfigProblem[] = [];
  const seenLines = new Set<number>();
  let more = 0;
  let tabbed = false;
  for (const error of errors) {
    // After a tab used as indentation, the lines around it no longer line up: those errors only echo the tab.
    if (tabbed && error.code === 'BAD_INDENT') continue;
    if (error.code === 'TAB_AS_INDENT') tabbed = true;
    let { line, col } = error.linePos?.[0] ?? { line: 0, col: 0 };
    let message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
    const flow = /^Flow (sequence|map)/.exec(message);
    const opener = flow && unclosed.filter((c) => c.offset < error.pos[0] && c.bracket === (flow[1] === 'map' ? '{' : '[')).at(-1);
    if (opener) {
      ({ line, col } = opener);
      const close = opener.bracket === '[' ? ']' : '}';
      message = `the "${opener.bracket}" opened here is never closed with "${close}"`;
    } else if (error.code === 'TAB_AS_INDENT') {
      message = 'tabs are not allowed as indentation; indent with spaces';
    } else {
      message = message.charAt(0).toLowerCase() + message.slice(1);
    }
    // One problem per line: the parser reports a broken line several times.
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    if (problems.length === MAX_YAML_ERRORS) {
      more++;
      continue;
    }
    const source = lines[line - 1]?.trimEnd();
    const where = line > 0 ? ` at line ${line}, column ${col}` : '';
    // The line is quoted unless it holds a credential: by content, or as the value of a key such as `password:`.
    const secret = source ? lineCredential(source) : undefined;
    problems.push(
      secret
        ? { path: '', message: `invalid YAML${where}: ${message}`, hasValue: true, secret }
        : problem('', `invalid YAML${where}: ${message}`, source || undefined),
    );
  }
  if (more > 0) {
    problems.push(problem('', `and ${more} more YAML ${more === 1 ? 'error' : 'errors'}, often caused by the first; fix it and run again`));
  }
  return problems;
}

/** The kind of credential a YAML line carries, as `key: value` pairs anywhere on it or in its text. */
function lineCredential(line: string): string | undefined {
  for (const [, key, value] of line.matchAll(/([\w.-]+)\s*:\s*([^\s#][^#]*?)(?=\s+[\w.-]+\s*:|\s*(#|$))/g)) {
    const kind = credentialKind(value.trim(), key);
    if (kind) return kind;
  }
  return credentialKind(line.trim(), undefined);
}

/** Flow collections (`[`, `{`) the parser found no closing bracket for, with where they open. */
function unclosedFlowCollections(text: string): { offset: number; bracket: string; line: number; col: number }[] {
  const lineCounter = new LineCounter();
  const found = new Map<number, { offset: number; bracket: string; line: number; col: number }>();
  const check = (token: CST.Token | undefined | null) => {
    if (token?.type !== 'flow-collection' || token.end.some((t) => t.source === ']' || t.source === '}')) return;
    const { offset, source } = token.start;
    found.set(offset, { offset, bracket: source, ...lineCounter.linePos(offset) });
  };
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type !== 'document') continue;
    check(token.value);
    CST.visit(token, (item) => {
      check(item.key);
      check(item.value);
    });
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

/**
 * One problem for a file that is not YAML settings at all (a README, a script), instead of one per line it breaks:
 * most of its lines are neither `key: value`, `- item`, comments nor continuations.
 */
function notYamlProblem(lines: readonly string[]): ConfigProblem | undefined {
  const meaningful = lines.filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
  const yamlLike = meaningful.filter((l) => /^\s*(- |-$|["']?[\w.\/-]+["']?\s*:(\s|$)|[\]}]|\s)/.test(l));
  if (meaningful.length < 3 || yamlLike.length * 2 >= meaningful.length) return undefined;
  const markdown = lines.some((l) => /^(```|\|.*\|\s*$|#{1,6} \S)/.test(l));
  const kind = markdown ? 'Markdown' : 'text';
  return problem(
    '',
    `is not a YAML config: it reads like ${kind} (${meaningful.length - yamlLike.length} of ${meaningful.length} lines are not YAML); ` +
      'pass a config such as config/example.yaml',
  );
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

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined),
    data,
  );
}
