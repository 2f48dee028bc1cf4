import { App, TerraformStack, Testing } from 'cdktf';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { apiOfRole, apiOfType, isStackApi } from '../../lib/project/apis';
import { ProjectSetup } from '../../lib/project/project';
import { BuiltApp, buildApp, exampleConfig, TerraformJson } from '../support/app';
import { addressedBlocks, strings, waitsFor } from '../support/terraform-json';

/**
 * A first apply on a project with only Google's default APIs: every resource and data source waits for the
 * google_project_service of the API it calls (lib/project/apis.ts says which), enabled in its own stack or in a stack
 * it depends on; machines and services start only after their service account holds its grants, and a VM without a
 * public address only after Cloud NAT.
 */

/** The example, and a variant that adds what the example leaves out: a created project, secrets, a public VIP. */
function variants(): [string, BuiltApp][] {
  const example = exampleConfig();
  const [first, ...rest] = example.cloudrunMesh!.workloads;
  const variant = exampleConfig({
    gkePlayground: { createProject: { billingAccount: '0123AB-4567CD-89EF01' } },
    skypilot: { authMode: 'password' },
    irisMirror: { deployerRole: true, vip: { ...example.irisMirror.vip, public: true, publicSourceCidrs: ['203.0.113.0/24'] } },
    cloudrunMesh: { workloads: [{ ...first, sshAuthorizedKeySecret: 'fortio-ssh-keys' }, ...rest] },
  });
  return [
    ['example', buildApp(example)],
    ['variant', buildApp(variant)],
  ];
}

/** The APIs a stack enables (its google_project_service resources). */
function enabledApis(json: TerraformJson): Map<string, string> {
  const services = json.resource?.google_project_service ?? {};
  return new Map(Object.entries(services).map(([name, block]) => [block.service as string, `google_project_service.${name}`]));
}

/** `address: what is wrong` for every resource or data source that does not wait for its API. */
function apiRaces(built: BuiltApp, stack: string): string[] {
  const json = built.json(stack);
  const own = enabledApis(json);
  const closure = waitsFor(json);
  const upstream = new Set<string>();
  const pending = [...built.stacks[stack].dependencies];
  while (pending.length > 0) {
    const dependency = pending.pop()!;
    for (const api of enabledApis(built.json(dependency.node.id)).keys()) upstream.add(api);
    pending.push(...dependency.dependencies);
  }
  const problems: string[] = [];
  for (const [address, block] of addressedBlocks(json)) {
    const type = address.replace(/^data\./, '').split('.')[0];
    // What it calls, and for a grant of a predefined role, the API that defines the role.
    const needs = [apiOfType(type), typeof block.role === 'string' ? apiOfRole(block.role) : null];
    for (const api of needs.filter(isStackApi)) {
      const service = own.get(api);
      if (service !== undefined) {
        if (!closure.get(address)!.has(service)) problems.push(`${address}: does not wait for ${service} (${api})`);
      } else if (!upstream.has(api)) {
        problems.push(`${address}: needs ${api}, which neither ${stack} nor a stack it depends on enables`);
      }
    }
  }
  return problems;
}

/** The service account a machine or service runs as: its google_service_account address, from the email it names. */
const RUNS_AS: Record<string, (block: Record<string, unknown>) => unknown> = {
  google_compute_instance: (block) => (block.service_account as { email: string }).email,
  google_container_node_pool: (block) => (block.node_config as { service_account: string }).service_account,
  google_cloud_run_v2_service: (block) => (block.template as { service_account: string }).service_account,
};

/** The secret id an accessor grant is on, through the google_secret_manager_secret it refers to if it does. */
function secretIdOf(blocks: Map<string, Record<string, unknown>>, grant: Record<string, unknown>): string {
  const secret = /^\$\{(google_secret_manager_secret\.[\w-]+)\.(?:id|secret_id)\}$/.exec(String(grant.secret_id))?.[1];
  return String(secret ? blocks.get(secret)!.secret_id : grant.secret_id);
}

/** The stacks applied before `stack`: its dependencies, and theirs. */
function upstreamOf(built: BuiltApp, stack: string): string[] {
  const names = new Set<string>();
  const pending = [...built.stacks[stack].dependencies];
  while (pending.length > 0) {
    const dependency = pending.pop()!;
    names.add(dependency.node.id);
    pending.push(...dependency.dependencies);
  }
  return [...names];
}

function bootRaces(built: BuiltApp, stack: string): string[] {
  const json = built.json(stack);
  const upstreamAccounts = new Set(
    upstreamOf(built, stack).flatMap((name) =>
      Object.values(built.json(name).resource?.google_service_account ?? {}).map((a) => `${String(a.account_id)}@${String(a.project)}.`),
    ),
  );
  const blocks = addressedBlocks(json);
  const closure = waitsFor(json);
  const nats = Object.keys(json.resource?.google_compute_router_nat ?? {}).map((name) => `google_compute_router_nat.${name}`);
  const problems: string[] = [];
  for (const [address, block] of blocks) {
    const runsAs = RUNS_AS[address.split('.')[0]];
    if (!runsAs) continue;
    const runsAsText = String(runsAs(block));
    // An account of this stack, referenced; or one of a stack applied before, by email, whose project grants are too.
    const local = /\$\{(google_service_account\.[\w-]+)\.email\}/.exec(runsAsText)?.[1];
    const upstream = [...upstreamAccounts].some((prefix) => runsAsText.startsWith(prefix)) ? runsAsText : undefined;
    const account = local ?? upstream;
    if (!account) {
      problems.push(`${address}: runs as ${runsAsText}, a service account neither of this stack nor of one applied before it`);
      continue;
    }
    // Grants to the account: IAM members whose member is this account (not grants on it, such as Workload Identity),
    // except access to a secret this machine or service does not name (another service of the same account's).
    const named = strings(block).map(([, text]) => text).join('\n');
    const grants = [...blocks].filter(
      ([other, grant]) =>
        /_iam_member\./.test(other) &&
        String(grant.member).includes(local ? `${local}.` : `${account}`) &&
        (!other.startsWith('google_secret_manager_secret_iam_member.') || named.includes(secretIdOf(blocks, grant))),
    );
    for (const [grant] of grants) {
      if (!closure.get(address)!.has(grant)) problems.push(`${address}: starts before ${grant} is granted to ${account}`);
    }
    const publicAddress = (block.network_interface as { access_config?: unknown[] }[] | undefined)?.[0]?.access_config;
    if (address.startsWith('google_compute_instance.') && !publicAddress) {
      for (const nat of nats) if (!closure.get(address)!.has(nat)) problems.push(`${address}: boots before ${nat} exists`);
    }
  }
  return problems;
}

describe.each(variants())('first apply on a fresh project (%s config)', (_, built) => {
  test.each(Object.keys(built.stacks))('%s: every resource and data source waits for its API', (stack) => {
    expect(apiRaces(built, stack)).toEqual([]);
  });

  test.each(Object.keys(built.stacks))("%s: machines and services wait for their account's grants and Cloud NAT", (stack) => {
    expect(bootRaces(built, stack)).toEqual([]);
  });
});

describe('the checks catch what they look for', () => {
  test('a resource that does not wait for its API, and one whose API nobody enables', () => {
    const built = buildApp(exampleConfig());
    const json = built.json('iris-mirror');
    const registry = json.resource!.google_artifact_registry_repository.registry;
    const unordered: TerraformJson = {
      ...json,
      resource: {
        ...json.resource,
        google_artifact_registry_repository: { registry: { ...registry, depends_on: [] } },
        google_redis_instance: { cache: { name: 'cache' } },
        google_project_iam_member: {
          ...json.resource!.google_project_iam_member,
          viewer: { project: 'p', role: 'roles/container.clusterViewer', member: 'user:a@example.com' },
        },
      },
    };
    const problems = apiRaces({ ...built, json: (stack) => (stack === 'iris-mirror' ? unordered : built.json(stack)) }, 'iris-mirror');
    expect(problems).toEqual([
      'google_artifact_registry_repository.registry: does not wait for google_project_service.project_artifactregistry ' +
        '(artifactregistry.googleapis.com)',
      'google_project_iam_member.viewer: needs container.googleapis.com, which neither iris-mirror nor a stack it depends on enables',
      'google_redis_instance.cache: needs redis.googleapis.com, which neither iris-mirror nor a stack it depends on enables',
    ]);
  });

  test("a VM that boots before its account's grants and NAT", () => {
    const built = buildApp(exampleConfig());
    const json = built.json('iris-mirror');
    const primary = json.resource!.google_compute_instance.primary;
    const early: TerraformJson = {
      ...json,
      resource: { ...json.resource, google_compute_instance: { primary: { ...primary, depends_on: [] } } },
    };
    expect(bootRaces({ ...built, json: (stack) => (stack === 'iris-mirror' ? early : built.json(stack)) }, 'iris-mirror')).toEqual([
      'google_compute_instance.primary: starts before google_artifact_registry_repository_iam_member.registry_vm-sa is granted to google_service_account.vm-sa',
      'google_compute_instance.primary: starts before google_project_iam_member.failover-role_vm-sa is granted to google_service_account.vm-sa',
      'google_compute_instance.primary: starts before google_secret_manager_secret_iam_member.csp-password_vm-sa is granted to google_service_account.vm-sa',
      'google_compute_instance.primary: starts before google_secret_manager_secret_iam_member.license_vm-sa is granted to google_service_account.vm-sa',
      'google_compute_instance.primary: boots before google_compute_router_nat.network_nat exists',
    ]);
  });

  test('a Cloud Run service whose account no earlier stack creates', () => {
    const built = buildApp(exampleConfig());
    const json = built.json('cloudrun-mesh-services');
    const service = json.resource!.google_cloud_run_v2_service.services_cloudrun as { template: Record<string, unknown> };
    const stranger: TerraformJson = {
      ...json,
      resource: {
        ...json.resource,
        google_cloud_run_v2_service: {
          services_cloudrun: { ...service, template: { ...service.template, service_account: 'runner@example-project-123.iam.gserviceaccount.com' } },
        },
      },
    };
    expect(bootRaces({ ...built, json: (stack) => (stack === 'cloudrun-mesh-services' ? stranger : built.json(stack)) }, 'cloudrun-mesh-services')).toEqual([
      'google_cloud_run_v2_service.services_cloudrun: runs as runner@example-project-123.iam.gserviceaccount.com, a service account neither of this stack nor of one applied before it',
    ]);
  });
});

describe('ProjectSetup', () => {
  function stackWith(services: string[], add: (stack: TerraformStack) => void): TerraformStack {
    const stack = new TerraformStack(new App({ stackTraces: false }), 'apis');
    new GoogleProvider(stack, 'google', { project: 'p-123456' });
    new ProjectSetup(stack, 'project', { projectId: 'p-123456', services });
    add(stack);
    return stack;
  }

  test('makes resources and data sources of its stack wait for their API, and leaves default APIs alone', () => {
    const stack = stackWith(['artifactregistry.googleapis.com', 'compute.googleapis.com'], (scope) => {
      new ArtifactRegistryRepository(scope, 'registry', { repositoryId: 'r', format: 'DOCKER', location: 'us-central1' });
      new DataGoogleComputeNetwork(scope, 'network', { name: 'default' });
      new StorageBucket(scope, 'bucket', { name: 'b-123456', location: 'US' });
    });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    // A plain TerraformStack suffixes its names with a hash.
    expect(json.resource!.google_artifact_registry_repository.registry.depends_on).toEqual([
      expect.stringMatching(/^google_project_service\.project_artifactregistry_\w+$/),
    ]);
    expect(json.data!.google_compute_network.network.depends_on).toEqual([
      expect.stringMatching(/^google_project_service\.project_compute_\w+$/),
    ]);
    expect(json.resource!.google_storage_bucket.bucket.depends_on).toBeUndefined();
  });

  test('stops the synth when a resource calls an API it does not enable', () => {
    const stack = stackWith(['compute.googleapis.com'], (scope) => {
      new ArtifactRegistryRepository(scope, 'registry', { repositoryId: 'r', format: 'DOCKER', location: 'us-central1' });
    });
    expect(() => Testing.synth(stack)).toThrow(
      'apis/registry (google_artifact_registry_repository) calls artifactregistry.googleapis.com, which apis/project does ' +
        'not enable; add it to its services',
    );
  });

  test('a grant of a predefined role waits for the API that defines the role, once when that is also the API it calls', () => {
    const stack = stackWith(['sqladmin.googleapis.com', 'secretmanager.googleapis.com'], (scope) => {
      new SecretManagerSecretIamMember(scope, 'reader', {
        secretId: 's',
        role: 'roles/secretmanager.secretAccessor',
        member: 'user:a@example.com',
      });
      new ProjectIamMember(scope, 'client', { project: 'p-123456', role: 'roles/cloudsql.client', member: 'user:a@example.com' });
      new ProjectIamMember(scope, 'logs', { project: 'p-123456', role: 'roles/logging.logWriter', member: 'user:a@example.com' });
    });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const grants = json.resource!.google_project_iam_member;
    expect(grants.client.depends_on).toEqual([expect.stringMatching(/^google_project_service\.project_sqladmin_\w+$/)]);
    expect(grants.logs.depends_on).toBeUndefined();
    expect(json.resource!.google_secret_manager_secret_iam_member.reader.depends_on).toEqual([
      expect.stringMatching(/^google_project_service\.project_secretmanager_\w+$/),
    ]);
    expect(apiOfRole('roles/viewer')).toBeNull();
    expect(() => apiOfRole('roles/bigtable.user')).toThrow('no API is known for the role roles/bigtable.user; add its service to lib/project/apis.ts');
  });

  test('apiOfType asks for every new google type', () => {
    expect(apiOfType('google_project_iam_member')).toBe('cloudresourcemanager.googleapis.com');
    expect(apiOfType('google_service_account_iam_member')).toBe('iam.googleapis.com');
    expect(apiOfType('kubernetes_manifest')).toBeNull();
    expect(() => apiOfType('google_bigtable_instance')).toThrow(
      'no API is known for the Terraform type google_bigtable_instance; add it to lib/project/apis.ts',
    );
  });
});
