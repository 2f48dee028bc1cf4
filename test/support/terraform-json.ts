/**
 * Project-side stand-ins for what `terraform validate` would check, which cannot run here (no provider downloads).
 */

/** Every string in a synthesized configuration, with its JSON path. */
export function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}.${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (key === '//' ? [] : strings(item, `${path}.${key}`)));
  }
  return [];
}

const BUILTIN_ROOTS = new Set(['path', 'terraform', 'each', 'count', 'self']);

/**
 * The `${...}` references in a configuration that Terraform could not resolve: resources, data sources, variables
 * and locals that are not declared. Function calls, literals and `$${` (Terraform's escape) are fine. An unescaped
 * shell `${HOME}` in a startup script is the typical catch.
 */
export function unresolvedReferences(config: Record<string, unknown>): string[] {
  const resources = (config.resource ?? {}) as Record<string, Record<string, unknown>>;
  const data = (config.data ?? {}) as Record<string, Record<string, unknown>>;
  const variables = (config.variable ?? {}) as Record<string, unknown>;
  const locals = (config.locals ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const searched = { resource: config.resource, data: config.data, output: config.output, locals: config.locals, provider: config.provider, module: config.module };
  for (const [path, text] of strings(searched)) {
    for (const match of text.matchAll(/(?<!\$)\$\{\s*([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)(\s*\()?/g)) {
      const [, root, rest, call] = match;
      if (call) continue;
      const [first, second] = rest.split('.').slice(1);
      const ok =
        BUILTIN_ROOTS.has(root) ||
        (root === 'var' && first in variables) ||
        (root === 'local' && first in locals) ||
        (root === 'data' && first !== undefined && second !== undefined && second in (data[first] ?? {})) ||
        (first !== undefined && first in (resources[root] ?? {}));
      if (!ok) problems.push(`${path}: \${${root}${rest}} is not declared (an unescaped shell variable needs $\${...})`);
    }
  }
  return problems;
}

/**
 * A configuration in one canonical shape, so JSON synth output and HCL parsed back to JSON compare equal:
 * metadata (`//`) dropped, single-element lists of blocks unwrapped (HCL blocks always parse as lists), trailing
 * newlines of multi-line strings dropped (cdktf writes those as heredocs, which always end in a newline), and
 * whitespace inside interpolations reduced to what separates two words (`terraform fmt` spaces expressions).
 */
export function canonical(value: unknown): unknown {
  if (typeof value === 'string') return interpolationTokens(value.includes('\n') ? value.replace(/\n+$/, '') : value);
  if (Array.isArray(value)) {
    if (value.length === 1 && value[0] && typeof value[0] === 'object' && !Array.isArray(value[0])) {
      return canonical(value[0]);
    }
    return value.map(canonical);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '//')
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}

/**
 * `text` with the whitespace of every `${...}` expression dropped unless it separates two words (`for key in`):
 * the same tokens, however they are spaced. Literal text and quoted strings inside expressions are kept as they are.
 */
export function interpolationTokens(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '$${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = expressionEnd(text, i + 2);
      const expression = text.slice(i + 2, end);
      out += `\${${spacedTokens(expression)}}`;
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

/** Index of the `}` that closes an expression starting at `start`, past nested braces and quoted strings. */
function expressionEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === '{') depth++;
    else if (c === '}' && depth-- === 0) return i;
  }
  return text.length;
}

function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function spacedTokens(expression: string): string {
  let out = '';
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '"') {
      const end = stringEnd(expression, i);
      out += interpolationTokens(expression.slice(i, end + 1));
      i = end;
    } else if (/\s/.test(c)) {
      const spaces = /^\s+/.exec(expression.slice(i))![0].length;
      if (/\w/.test(out.at(-1) ?? '') && /\w/.test(expression[i + spaces] ?? '')) out += ' ';
      i += spaces - 1;
    } else {
      out += c;
    }
  }
  return out;
}

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** Every resource (`type.name`) and data source (`data.type.name`) of a configuration, with its block. */
export function addressedBlocks(config: { resource?: Blocks; data?: Blocks }): Map<string, Record<string, unknown>> {
  const blocks = new Map<string, Record<string, unknown>>();
  for (const [type, named] of Object.entries(config.resource ?? {})) {
    for (const [name, block] of Object.entries(named)) blocks.set(`${type}.${name}`, block);
  }
  for (const [type, named] of Object.entries(config.data ?? {})) {
    for (const [name, block] of Object.entries(named)) blocks.set(`data.${type}.${name}`, block);
  }
  return blocks;
}

const ADDRESS = /data\.[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*|[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*/g;

/**
 * What Terraform makes each resource and data source wait for: its `depends_on` and everything its values refer to,
 * followed transitively. Keyed by address.
 */
export function waitsFor(config: { resource?: Blocks; data?: Blocks }): Map<string, Set<string>> {
  const blocks = addressedBlocks(config);
  const direct = new Map<string, Set<string>>();
  for (const [address, block] of blocks) {
    const refers = strings(block).flatMap(([, text]) => text.match(ADDRESS) ?? []);
    direct.set(address, new Set(refers.filter((other) => other !== address && blocks.has(other))));
  }
  const closure = new Map<string, Set<string>>();
  const visit = (address: string): Set<string> => {
    const known = closure.get(address);
    if (known) return known;
    const all = new Set<string>();
    closure.set(address, all);
    for (const next of direct.get(address) ?? []) {
      all.add(next);
      for (const further of visit(next)) all.add(further);
    }
    return all;
  };
  for (const address of blocks.keys()) visit(address);
  return closure;
}
