import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { BlueprintStack } from '../../lib/stack/blueprint-stack';
import { buildApp, exampleConfig, testApp, testContext } from '../support/app';
import { unresolvedReferences } from '../support/terraform-json';

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

describe('BlueprintStack synth', () => {
  const SECTIONS = ['gkePlayground', 'irisMirror', 'skypilot', 'ilpConnector', 'cloudrunMesh', 'stateBootstrap'];
  const adopting = exampleConfig(Object.fromEntries(SECTIONS.map((section) => [section, { adoptExisting: true }])));

  test.each([
    ['config/example.yaml', exampleConfig()],
    ['every section adopting what the seeds made', adopting],
  ])("cdktf's preparing pass, which blueprint stacks skip, would wire nothing between stacks: %s", (_name, config) => {
    const { stacks } = buildApp(config);
    for (const stack of Object.values(stacks)) TerraformStack.prototype.prepareStack.call(stack);
    const wired = Object.values(stacks).flatMap((stack) =>
      stack.node.findAll().filter((c) => /^cross-stack-(output|reference-input)-/.test(c.node.id)).map((c) => c.node.path),
    );
    expect(wired).toEqual([]);
  });

  test('a token from another stack is not wired into remote state: it comes out undeclared, which the check reports', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-stack-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      const context = { ...testContext(exampleConfig()), outdir };
      const infra = new BlueprintStack(app, 'gke-playground', context);
      const logs = new StorageBucket(infra, 'logs', { name: 'logs', location: 'EU' });
      const reader = new BlueprintStack(app, 'skypilot', context);
      new StorageBucket(reader, 'copy', { name: logs.name, location: 'EU' });
      app.synth();

      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'skypilot', 'cdk.tf.json'), 'utf8'));
      expect(json.data?.terraform_remote_state).toBeUndefined();
      expect(unresolvedReferences(json)).toEqual([
        '.resource.google_storage_bucket.copy.name: ${google_storage_bucket.logs.name} is not declared ' +
          '(an unescaped shell variable needs $${...})',
      ]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
