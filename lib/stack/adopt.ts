import { TerraformResource, TerraformStack, Token } from 'cdktf';

const adoptedByStack = new WeakMap<TerraformStack, TerraformResource[]>();

/**
 * Takes over a resource the seed's manual steps already created: Terraform imports it by `importId` (an `import`
 * block, Terraform 1.5 or later) instead of creating it, and the same plan shows the changes that bring it to this
 * blueprint's settings. `importId` is in the format the provider documents for the resource type, and is plain text:
 * Terraform must know an import id when it plans.
 */
export function adopt(resource: TerraformResource, importId: string): void {
  if (Token.isUnresolved(importId) || importId.includes('${')) {
    throw new Error(
      `${resource.node.path}: the import id must be known when Terraform plans, not computed from another resource ` +
        `(got ${importId})`,
    );
  }
  resource.importFrom(importId);
  const stack = TerraformStack.of(resource);
  adoptedByStack.set(stack, [...(adoptedByStack.get(stack) ?? []), resource]);
}

/** The resources of `stack` that Terraform imports, as `type.name` addresses. */
export function adoptedResources(stack: TerraformStack): string[] {
  return (adoptedByStack.get(stack) ?? []).map((r) => `${r.terraformResourceType}.${stack.getLogicalId(r)}`);
}
