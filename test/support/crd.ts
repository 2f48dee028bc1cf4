import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The shared reference's upstream CRDs, present when this checkout sits beside it (not in a fresh CI clone). */
export const REFERENCE_CRDS = path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'crds');

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

type Crd = { spec?: { versions?: { name: string; schema: { openAPIV3Schema: Schema } }[] } } | null;

/** The reference's CRD files, parsed once per test process: Istio's are large, and a test checks an object per kind. */
const crdFiles = new Map<string, Crd[]>();

/** The openAPIV3Schema of `version` in a CRD file of the reference (read-only: later calls get the same object). */
export function crdSchema(file: string, version: string): Schema {
  let crds = crdFiles.get(file);
  if (!crds) {
    crds = parseAllDocuments(fs.readFileSync(path.join(REFERENCE_CRDS, file), 'utf8')).map((doc) => doc.toJS() as Crd);
    crdFiles.set(file, crds);
  }
  for (const crd of crds) {
    const found = crd?.spec?.versions?.find((v) => v.name === version);
    if (found) return found.schema.openAPIV3Schema;
  }
  throw new Error(`${file} has no version ${version}`);
}

/**
 * Paths of `value` that the API server would prune: fields the structural schema does not declare. apiVersion,
 * kind and metadata are the API server's own.
 */
export function prunedFields(value: unknown, schema: Schema, at = ''): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) {
    return schema.items ? value.flatMap((item, i) => prunedFields(item, schema.items!, `${at}[${i}]`)) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const pruned: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (at === '' && ['apiVersion', 'kind', 'metadata'].includes(key)) continue;
    const declared = schema.properties?.[key];
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (declared) pruned.push(...prunedFields(child, declared, `${at}.${key}`));
    else if (additional) pruned.push(...prunedFields(child, additional, `${at}.${key}`));
    else if (schema.additionalProperties !== true) pruned.push(`${at}.${key}`);
  }
  return pruned;
}
