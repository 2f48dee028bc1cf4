import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { parse } from 'yaml';
import { manifestYamlOf, ValidatedManifest } from './manifest';
import { adopt } from '../stack/adopt';

/**
 * Import ids of the typed Kubernetes resources we emit, as the kubernetes provider 2.38.0 documents them
 * (docs/resources/<type>.md, "Import"): `<namespace>/<name>` for namespaced objects, `<name>` for the others.
 */
const NAMESPACED = new Set([
  'kubernetes_config_map_v1',
  'kubernetes_deployment_v1',
  'kubernetes_role_binding_v1',
  'kubernetes_role_v1',
  'kubernetes_service_v1',
]);
const CLUSTER_SCOPED = new Set(['kubernetes_cluster_role_binding_v1', 'kubernetes_cluster_role_v1', 'kubernetes_namespace_v1']);

/**
 * `kubernetes_manifest` import id: "apiVersion=<string>,kind=<string>,[namespace=<string>,]name=<string>" (kubernetes
 * provider 2.38.0, docs/resources/manifest.md). The object is read in the manifest's own apiVersion, so the imported
 * state and the configuration agree on it; an imported manifest is never replaced for its apiVersion, kind, name or
 * namespace (manifest/provider/plan.go, isImported).
 */
export function manifestImportId(manifest: ValidatedManifest): string | undefined {
  const resolved: unknown = Tokenization.resolve(manifest.manifest.manifestInput, {
    scope: TerraformStack.of(manifest),
    preparing: false,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
  const yaml = manifestYamlOf(resolved);
  if (yaml === undefined) return undefined;
  const { apiVersion, kind, metadata } = parse(yaml, { version: '1.1' }) as {
    apiVersion: string;
    kind: string;
    metadata?: { name?: string; namespace?: string };
  };
  const name = metadata?.name;
  const namespace = metadata?.namespace;
  // A name built from a reference (`${data...}`) is only known when Terraform plans.
  if (name === undefined || [name, namespace ?? ''].some((part) => part.includes('${'))) return undefined;
  return `apiVersion=${apiVersion},kind=${kind},${namespace ? `namespace=${namespace},` : ''}name=${name}`;
}

function typedImportId(resource: TerraformResource): string | undefined {
  const type = resource.terraformResourceType;
  if (!NAMESPACED.has(type) && !CLUSTER_SCOPED.has(type)) return undefined;
  const args = Object.values(resource.toTerraform().resource[type])[0] as { metadata?: { name?: string; namespace?: string } };
  const { name, namespace } = args.metadata ?? {};
  if (name === undefined || Token.isUnresolved(name)) return undefined;
  if (CLUSTER_SCOPED.has(type)) return name;
  if (namespace === undefined || Token.isUnresolved(namespace)) return undefined;
  return `${namespace}/${name}`;
}

/**
 * Takes over the Kubernetes objects under `scopes` that the seed's kubectl steps created under the same names: every
 * typed resource and manifest but those under `except`. An object named after something Terraform only reads while
 * planning (a Cloud Run URL) has no import id Terraform can know in advance and is left out; returns their paths.
 */
export function adoptKubernetesObjects(scopes: readonly IConstruct[], except: readonly IConstruct[] = []): string[] {
  const excluded = new Set(except.flatMap((c) => c.node.findAll()));
  const unnamed: string[] = [];
  for (const node of scopes.flatMap((s) => s.node.findAll())) {
    if (excluded.has(node)) continue;
    if (node instanceof ValidatedManifest) {
      const id = manifestImportId(node);
      if (id) {
        adopt(node.manifest, id);
        // The provider applies server-side as field manager "Terraform" without force (manifest/provider/plan.go,
        // getFieldManagerConfig; apply.go, Patch ApplyPatchType). The seed's `kubectl apply` left every field it set
        // owned by kubectl-client-side-apply, so any value we change (an atomic list: the Gateway's servers, the
        // VirtualService's http route) fails the apply with a field manager conflict. Forcing hands those fields to
        // Terraform; fields only the seed set stay on the object.
        node.manifest.putFieldManager({ forceConflicts: true });
      } else unnamed.push(node.node.path);
    } else if (node instanceof TerraformResource && node.terraformResourceType !== 'kubernetes_manifest') {
      const type = node.terraformResourceType;
      if (!NAMESPACED.has(type) && !CLUSTER_SCOPED.has(type)) continue;
      const id = typedImportId(node);
      if (id) adopt(node, id);
      else unnamed.push(node.node.path);
    }
  }
  return unnamed;
}
