/**
 * Recognizes credentials in a config so that error messages never echo them, and refuses them in free-form strings
 * that reach a workload. Two signals: the key a value sits under (password, token, apiKey, ...) and the value's own
 * content (a PEM private key, a service-account JSON key, a GitHub/AWS/Slack/Google token, a JWT, a long random string,
 * or an assignment such as `-Dspring.datasource.password=...`).
 */

import type { z } from 'zod';

/** What a masked value says about where secrets belong. */
export const SECRETS_ADVICE = 'keep secrets in Secret Manager, not in config';

/** A key's last word that makes it name a reference to a secret, or a setting about one, rather than the secret. */
const REFERENCE_WORDS = new Set([
  'id', 'ids', 'name', 'names', 'ref', 'refs', 'file', 'path', 'mode', 'enabled', 'disabled', 'required', 'type',
  'url', 'uri', 'env', 'version', 'ring', 'policy', 'length', 'ttl', 'days', 'seconds', 'format', 'location',
]);

/** The words of a key: `apiKey`, `api_key`, `API-KEY` and `spring.datasource.api.key` all give [api, key]. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * The kind of credential a key names (`password`, `webPassword`, `api_key`, `PRIVATE_KEY`, `credentials`, `auth`), or
 * undefined. Keys that name a reference or a setting (`passwordSecretId`, `tokenFile`, `authMode`) do not count.
 */
export function credentialKindOfKey(key: string): string | undefined {
  const words = keyWords(key);
  if (words.length === 0 || REFERENCE_WORDS.has(words[words.length - 1])) return undefined;
  const has = (word: string) => words.includes(word);
  const pair = (first: string, second: string) => words.some((w, i) => w === first && words[i + 1] === second);
  const joined = words.join('');
  if (pair('private', 'key') || joined.includes('privatekey')) return 'private key';
  if (words.some((w) => /^(password|passwd|passphrase|pwd)$/.test(w)) || /password|passwd/.test(joined)) return 'password';
  if (pair('api', 'key') || joined.includes('apikey')) return 'API key';
  if (pair('access', 'key') || pair('secret', 'key') || joined.includes('accesskey')) return 'access key';
  if (words.some((w) => /^tokens?$/.test(w)) || /token/.test(joined)) return 'token';
  if (words.some((w) => /^secrets?$/.test(w))) return 'secret';
  if (words.some((w) => /^(credentials?|creds?)$/.test(w))) return 'credentials';
  if (has('auth') || has('authorization') || has('bearer') || has('cookie')) return 'credential';
  return undefined;
}

/** Token formats that are credentials whatever key holds them. */
const CONTENT_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File/, 'private key'],
  [/"type"\s*:\s*"service_account"|"private_key(_id)?"\s*:/, 'service account key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}/, 'GitHub token'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, 'AWS access key'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}/, 'Google API key'],
  [/\bya29\.[0-9A-Za-z_-]{20,}/, 'OAuth token'],
  [/\bsk-[A-Za-z0-9_-]{20,}/, 'API key'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'GitLab token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, 'JSON Web Token'],
  [/:\/\/[^\s/:@]+:[^\s/@]+@/, 'URL with a password'],
];

/** SSH public keys are long base64 too, but public: never masked for their blob. */
const PUBLIC_KEY = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(ssh|ecdsa)-[\w@.-]+) /;

/** A long random-looking word: 32+ characters of base64/base62 with upper, lower and digits, and high entropy. */
/** A Google resource name, `collection/id` pairs such as projects/p/locations/l/keyRings/r: long, but not random. */
const RESOURCE_NAME = /^(?:[a-z][A-Za-z]*\/[\w.-]+\/?)+$/;

function looksRandom(word: string): boolean {
  if (word.length < 32 || !/^[A-Za-z0-9+/=_-]+$/.test(word) || RESOURCE_NAME.test(word)) return false;
  if (!/[a-z]/.test(word) || !/[A-Z]/.test(word) || !/[0-9]/.test(word)) return false;
  const counts = new Map<string, number>();
  for (const ch of word) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / word.length) * Math.log2(n / word.length);
  return entropy >= 4;
}

/** An option or variable that sets a credential: `-Dx.password=`, `--api-key=`, `--token abc`, `DB_PASSWORD=`. */
const ASSIGNMENT = /(?:^|[\s'"])(-D|--?|export\s+)?([A-Za-z_][\w.-]*)(=|\s+(?=[^\s-]))(\S*)/g;

/**
 * The first option or variable assignment in `text` that sets a credential, such as `-Dspring.datasource.password`,
 * with its kind and how it reads with the value left out. Placeholders (`${DB_PASSWORD}`) and empty values are not credentials.
 */
export function credentialAssignment(text: string): { readonly name: string; readonly shown: string; readonly kind: string } | undefined {
  for (const match of text.matchAll(ASSIGNMENT)) {
    const [, prefix = '', name, separator, value] = match;
    // `--token abc` counts only for options; `word word` in prose is not an assignment.
    if (separator !== '=' && !prefix.startsWith('-')) continue;
    if (value === '' || /^\$\{[^}]*\}$|^\$[A-Za-z_]\w*$/.test(value)) continue;
    const kind = credentialKindOfKey(name);
    const option = `${prefix.startsWith('-') ? prefix : ''}${name}`;
    if (kind) return { name: option, shown: `${option}${separator === '=' ? '=' : ' '}...`, kind };
  }
  return undefined;
}

/** The kind of credential a piece of text holds by its content, or undefined. */
export function credentialKindOfText(text: string): string | undefined {
  for (const [pattern, kind] of CONTENT_PATTERNS) if (pattern.test(text)) return kind;
  const assignment = credentialAssignment(text);
  if (assignment) return assignment.kind;
  // `key: value` on a YAML line, as printed for a YAML error.
  const yamlPair = /^\s*(?:-\s+)?["']?([\w.-]+)["']?\s*:\s+(\S.*)$/.exec(text);
  if (yamlPair) {
    const kind = credentialKindOfKey(yamlPair[1]);
    if (kind && !/^(true|false|null|~)$/.test(yamlPair[2].trim())) return kind;
  }
  if (PUBLIC_KEY.test(text.trim())) return undefined;
  return text.split(/[\s"',;:=]+/).some(looksRandom) ? 'token' : undefined;
}

/**
 * The kind of credential a config value looks like, or undefined. `key` is the key the value sits under, when that key
 * is not one the schema declares (a declared key says what it holds). Walks lists and mappings: a mapping with a
 * `password` inside, or a service-account JSON key as YAML, is masked as a whole.
 */
export function credentialKind(value: unknown, key?: string): string | undefined {
  const byKey = key === undefined ? undefined : credentialKindOfKey(key);
  if (value === null || value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : (byKey ?? credentialKindOfText(value));
  if (typeof value === 'number' || typeof value === 'bigint') return byKey;
  if (Array.isArray(value)) {
    for (const item of value) {
      const kind = credentialKind(item, key);
      if (kind) return kind;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.type === 'service_account' || 'private_key_id' in record) return 'service account key';
    if (byKey && Object.keys(record).length > 0) return byKey;
    for (const [k, v] of Object.entries(record)) {
      const kind = credentialKind(v, k);
      if (kind) return kind;
    }
  }
  return undefined;
}


function withArticle(kind: string): string {
  return `${/^[aeioAEIO]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** What a masked value prints after `got`: `a value that looks like a private key: not shown; keep secrets ...`. */
export function maskedValue(kind: string): string {
  return `a value that looks like ${withArticle(kind)}: not shown; ${SECRETS_ADVICE}`;
}

/**
 * The message refusing a free-form string that reaches a workload (JVM options, env, args) because it carries a
 * credential, or undefined when it carries none. `where` says where that workload's secrets come from instead.
 */
export function freeFormCredentialMessage(text: string, where: string): string | undefined {
  const assignment = credentialAssignment(text);
  if (assignment) return `must not set ${withArticle(assignment.kind)} (${assignment.shown}): ${where}`;
  const kind = credentialKindOfText(text);
  return kind ? `must not hold ${withArticle(kind)}: ${where}` : undefined;
}

/**
 * A zod refinement for a free-form string field: refuses credentials with `freeFormCredentialMessage`. Usage:
 * `z.string().superRefine(refuseCredentials('the connector reads its passwords from Kubernetes Secrets'))`.
 */
export function refuseCredentials(where: string): (value: string, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const message = freeFormCredentialMessage(value, where);
    if (message) ctx.addIssue({ code: 'custom', message, input: value });
  };
}
