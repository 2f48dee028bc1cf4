import { Fn, IResolvable, ITerraformDependable, Op, Token } from 'cdktf';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import { Document, parse, Scalar, visit } from 'yaml';

/** What a `@kubernetes-models` object offers: schema validation and its plain JSON. */
export interface KubernetesModel {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  validate(): void;
  toJSON(): unknown;
}

/**
 * Whether a CustomResourceDefinition exists in the cluster, read when Terraform plans. `kubernetes_manifest` needs a
 * custom resource's definition at plan time, so an object whose CRD this same stack installs (a Helm chart, an
 * operator) is planned once the CRD is there: on the next `cdktf deploy`.
 */
export class CrdPresence extends Construct {
  /** Boolean expression, true once the CRD exists. */
  readonly present: IResolvable;

  constructor(scope: Construct, id: string, crdName: string) {
    super(scope, id);
    const crds = new DataKubernetesResources(this, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      fieldSelector: `metadata.name=${crdName}`,
    });
    this.present = Op.gte(Fn.lengthOf(crds.objects), 1);
  }
}

/**
 * The object as one line of single-quoted flow YAML, for `yamldecode("...")`. cdktf's HCL writer mangles a literal
 * object in `manifest` (lists become maps, inner quotes go unescaped, numeric strings lose their quotes), and a
 * quoted Terraform string may hold neither a raw line break nor, unescaped, a double quote: this form needs neither.
 */
export function manifestYaml(model: KubernetesModel): string {
  const doc = new Document(model.toJSON());
  visit(doc, {
    // The yaml library double-quotes a string holding an apostrophe; single quotes carry it as ''. Terraform's
    // yamldecode follows YAML 1.1, where plain yes, on, n, 1_000 or 10:20 are not strings: those get quotes too.
    Scalar: (_key, node) => {
      if (typeof node.value === 'string' && (node.value.includes("'") || !plainInYaml11(node.value))) {
        node.type = Scalar.QUOTE_SINGLE;
      }
    },
  });
  const text = doc.toString({ collectionStyle: 'flow', singleQuote: true, lineWidth: 0 }).trimEnd();
  if (/["\\\n]/.test(text)) {
    const where = [model.metadata?.namespace, model.metadata?.name].filter(Boolean).join('/');
    throw new Error(
      `${model.kind} ${where}: a value holds a double quote, backslash or line break, which cannot pass through ` +
        'kubernetes_manifest intact; keep such text in a ConfigMap or Secret',
    );
  }
  return text;
}

/** What `manifestYaml` text looks like once in a `manifest` attribute: `${yamldecode("<YAML>")}`. */
const YAMLDECODE = /^\$\{yamldecode\("(.*)"\)\}$/s;

/**
 * The YAML text of a synthesized `manifest` attribute that ValidatedManifest wrote, or undefined for anything else.
 * Nothing in it needs unescaping: `manifestYaml` refuses double quotes, backslashes and line breaks.
 */
export function manifestYamlOf(manifest: unknown): string | undefined {
  return typeof manifest === 'string' ? YAMLDECODE.exec(manifest)?.[1] : undefined;
}

/** Words YAML 1.1 reads as booleans or null; plain names other than these need no parsing to know they stay text. */
const YAML11_WORDS = /^(y|yes|n|no|true|false|on|off|null|~)$/i;
const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9._/-]*$/;

/** Whether YAML 1.1 reads `text`, written plain, back as the same string. */
function plainInYaml11(text: string): boolean {
  if (PLAIN_NAME.test(text)) return !YAML11_WORDS.test(text);
  try {
    return parse(text, { version: '1.1' }) === text;
  } catch {
    return false;
  }
}

export interface ValidatedManifestProps {
  /** A `@kubernetes-models` object; validated against its CRD schema at synth. */
  readonly model: KubernetesModel;
  /** Plan the object only once this CRD exists (it is installed by the same stack). @default always planned */
  readonly awaitCrd?: CrdPresence;
  /**
   * Wait for the object's Ready condition, so what depends on it is created after it works.
   * @default false
   */
  readonly waitReady?: boolean;
  /**
   * Wait until each field (a path such as status.url) matches its regular expression, for objects whose Ready
   * condition says less than needed. The provider takes either conditions or fields, not both.
   * @default no field wait
   */
  readonly waitFields?: Readonly<Record<string, string>>;
  /** How long create and update may wait. @default the provider's (10 minutes) */
  readonly waitTimeout?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Kubernetes object as `kubernetes_manifest`, built from a typed `@kubernetes-models` object that must pass its schema
 * at synth: a wrong type, a missing required field or a bad enum fails synth with the object's name, not the apply.
 */
export class ValidatedManifest extends Construct {
  readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: ValidatedManifestProps) {
    super(scope, id);
    const { model } = props;
    if (props.waitReady && props.waitFields) {
      throw new Error(`${model.kind} ${model.metadata?.name}: wait for Ready or for fields, not both (the provider would ignore the fields)`);
    }
    try {
      model.validate();
    } catch (error) {
      const where = [model.metadata?.namespace, model.metadata?.name].filter(Boolean).join('/');
      throw new Error(`${model.kind} ${where} (${model.apiVersion}) is invalid: ${(error as Error).message}`);
    }
    this.manifest = new Manifest(this, 'Resource', {
      manifest: Fn.yamldecode(manifestYaml(model)) as Record<string, unknown>,
      count: props.awaitCrd ? Token.asNumber(Fn.conditional(props.awaitCrd.present, 1, 0)) : undefined,
      wait: props.waitReady
        ? { condition: [{ type: 'Ready', status: 'True' }] }
        : props.waitFields
          ? { fields: { ...props.waitFields } }
          : undefined,
      timeouts: props.waitTimeout ? { create: props.waitTimeout, update: props.waitTimeout } : undefined,
      dependsOn: props.dependsOn,
    });
  }
}
