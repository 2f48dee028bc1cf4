export type Attrs = Record<string, unknown>;

/** One resource that breaks a rule and one that complies. */
export interface Case {
  readonly type: string;
  readonly fails: Attrs;
  readonly passes: Attrs;
  /** The passing resource's type when compliance is another resource (no key at all, say). @default type */
  readonly passesAs?: string;
}
