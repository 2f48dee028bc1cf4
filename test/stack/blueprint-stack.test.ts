import { Testing } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { BlueprintStack } from '../../lib/stack/blueprint-stack';
import { exampleConfig, testApp, testContext } from '../support/app';

describe('BlueprintStack', () => {
  const config = exampleConfig({ labels: { 'cost-center': 'platform', owner: 'team-a' } });

  test('google provider with project, region and default labels whose names keep their hyphens', () => {
    const stack = new BlueprintStack(testApp(), 'gke-playground', testContext(config));
    expect(JSON.parse(Testing.synth(stack)).provider.google).toEqual([
      {
        project: 'example-project-123',
        region: 'us-central1',
        default_labels: {
          'cost-center': 'platform',
          owner: 'team-a',
          environment: 'example',
          stack: 'gke-playground',
          'managed-by': 'cdktf',
        },
      },
    ]);
  });

  test('Terraform addresses follow the construct path, with Resource as the primary resource', () => {
    const stack = new BlueprintStack(testApp(), 'gke-playground', testContext(config));
    const logs = new Construct(stack, 'logs');
    new StorageBucket(logs, 'Resource', { name: 'a', location: 'EU' });
    new StorageBucket(logs, 'archive', { name: 'b', location: 'EU' });
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.google_storage_bucket).sort()).toEqual([
      'logs',
      'logs_archive',
    ]);
  });

  test('two constructs that would share a Terraform address are refused', () => {
    const stack = new BlueprintStack(testApp(), 'gke-playground', testContext(config));
    new StorageBucket(new Construct(stack, 'a'), 'b', { name: 'x', location: 'EU' });
    new StorageBucket(stack, 'a_b', { name: 'y', location: 'EU' });
    expect(() => Testing.synth(stack)).toThrow(
      'gke-playground/a_b and gke-playground/a/b would share the Terraform name a_b; rename one construct',
    );
  });
});
