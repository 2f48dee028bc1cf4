/**
 * What `adoptExisting` cannot do in place. An adopted resource whose settings differ from ours is changed by `apply`;
 * a few settings cannot change on a live resource, and Terraform destroys it and creates it again. Synth warns about
 * each one it can tell from the config, so the decision (keep the seed's value through a config key, or migrate the
 * data first) is made before `apply`.
 */
export interface ForcedReplacement {
  /** The adopted resource as the seed names it, with its Terraform type: `google_redis_instance connector`. */
  readonly resource: string;
  /** The setting that forces replacement, in the provider's terms. */
  readonly setting: string;
  /** What the seed's steps set. */
  readonly seed: string;
  /** What this config sets. */
  readonly ours: string;
  /** What a replacement loses and what to decide: the config key that keeps the seed's value, or the migration. */
  readonly decide: string;
}

export function replacementWarning(section: string, replacement: ForcedReplacement): string {
  const { resource, setting, seed, ours, decide } = replacement;
  return (
    `${section}.adoptExisting: ${resource}: ${setting} is ${seed} as the seed created it and ${ours} here, which ` +
    `Terraform cannot change in place: apply would destroy it and create it again; ${decide}`
  );
}
