import { credentialKind, maskedValue } from './secrets';

/** One thing wrong with a config file, located by its path in the YAML (`gkePlayground.zone`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** The value that was given; absent when there was none. */
  readonly got?: unknown;
  readonly hasValue: boolean;
  /** Set when the value looks like a credential (`password`, `private key`): it is printed as not shown, by kind. */
  readonly secret?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`${file}: ${count}; nothing was synthesized`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
}

export function formatProblem(problem: ConfigProblem): string {
  // A value whose content looks like a credential is masked even when whoever made the problem did not say so.
  const secret = problem.secret ?? (problem.hasValue ? credentialKind(problem.got) : undefined);
  const got = secret ? ` (got ${maskedValue(secret)})` : problem.hasValue ? ` (got ${formatValue(problem.got)})` : '';
  return `${problem.path || '(file)'}: ${problem.message}${got}`;
}

function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
