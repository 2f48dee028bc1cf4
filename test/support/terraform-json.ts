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
 * metadata (`//`) dropped, single-element lists of blocks unwrapped (HCL blocks always parse as lists), and trailing
 * newlines of multi-line strings dropped (cdktf writes those as heredocs, which always end in a newline).
 */
export function canonical(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\n') ? value.replace(/\n+$/, '') : value;
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
