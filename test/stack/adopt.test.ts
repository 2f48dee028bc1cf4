import { App, TerraformStack, Testing } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { formatHcl } from '../../lib/app/hcl-format';
import { adopt, adoptedResources } from '../../lib/stack/adopt';

function stackWithKeyRing(app = Testing.app()) {
  const stack = new TerraformStack(app, 'adopting');
  new GoogleProvider(stack, 'google', { project: 'p-123456' });
  const ring = new KmsKeyRing(stack, 'ring', { name: 'connector', location: 'global' });
  return { stack, ring };
}

describe('adopt', () => {
  test('writes an import block with the id, and lists the address', () => {
    const { stack, ring } = stackWithKeyRing();
    adopt(ring, 'projects/p-123456/locations/global/keyRings/connector');
    const json = JSON.parse(Testing.synth(stack));
    expect(json.import).toEqual([
      { id: 'projects/p-123456/locations/global/keyRings/connector', to: 'google_kms_key_ring.ring' },
    ]);
    expect(adoptedResources(stack)).toEqual(['google_kms_key_ring.ring']);
  });

  test('nothing adopted: no import block', () => {
    const { stack } = stackWithKeyRing();
    expect(JSON.parse(Testing.synth(stack)).import).toBeUndefined();
    expect(adoptedResources(stack)).toEqual([]);
  });

  test('an id computed from another resource is refused: Terraform needs it when it plans', () => {
    const { ring } = stackWithKeyRing();
    const other = stackWithKeyRing().ring;
    expect(() => adopt(ring, other.id)).toThrow(
      /^adopting\/ring: the import id must be known when Terraform plans, not computed from another resource \(got \$\{TfToken/,
    );
    expect(() => adopt(ring, 'projects/${var.project}/x')).toThrow(/must be known when Terraform plans/);
  });

  test('HCL output keeps the import block, through the formatter synth uses', async () => {
    const { stack, ring } = stackWithKeyRing(new App({ hclOutput: true, outdir: Testing.app().outdir }));
    adopt(ring, 'projects/p-123456/locations/global/keyRings/connector');
    const hcl = await formatHcl(Testing.synthHcl(stack) as string);
    expect(hcl).toMatch(
      /^import \{\n  to = google_kms_key_ring\.ring\n  id = "projects\/p-123456\/locations\/global\/keyRings\/connector"\n\}$/m,
    );
  });
});
