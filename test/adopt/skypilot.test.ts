import { App, Testing } from 'cdktf';
import { formatHcl } from '../../lib/app/hcl-format';
import { configWarnings } from '../../lib/config/schema';
import { skypilotReplacements } from '../../lib/config/skypilot';
import { adoptedResources } from '../../lib/stack/adopt';
import { addBlueprints } from '../../stacks';
import { importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, exampleConfig, onlyResource, testApp, testContext } from '../support/app';

/**
 * `skypilot.adoptExisting` (docs/blueprints/skypilot.md, "Adopt what the seed created"): what seed 004's console and
 * gcloud steps created is imported by the seed's names, in the formats of the google provider 6.50.0 docs.
 */
const PROJECT = 'example-project-123';
const INSTANCE = `projects/${PROJECT}/instances/cloud-sql-skypilot-instance`;
const SA_EMAIL = `skypilot-cloud-sql-access@${PROJECT}.iam.gserviceaccount.com`;
const seed = seedNamesConfig('skypilot');
const seedSection = seed.skypilot;

function seedConfig(overrides: Record<string, unknown> = {}) {
  return exampleConfig({ skypilot: { ...seedSection, ...overrides } });
}

describe('skypilot adoptExisting', () => {
  test('the page config carries the seed names', () => {
    expect(seedSection).toMatchObject({
      adoptExisting: true,
      authMode: 'iam',
      serviceAccountId: 'skypilot-cloud-sql-access',
      database: { instanceName: 'cloud-sql-skypilot-instance', name: 'skypilot-db' },
    });
    expect(exampleConfig().projectId).toBe(PROJECT);
  });

  test(
    'IAM mode imports the service account, the instance, its database and the IAM user, in the documented formats: ' +
      'projects/{{project_id}}/serviceAccounts/{{email}}, projects/{{project}}/instances/{{name}}, ' +
      'projects/{{project}}/instances/{{instance}}/databases/{{name}}, and for PostgreSQL users ' +
      '{{project_id}}/{{instance}}/{{name}}',
    () => {
      const built = buildApp(seedConfig());
      const imports = importsOf(built.json('skypilot'));
      expect(imports).toEqual({
        'google_service_account.database-client': `projects/${PROJECT}/serviceAccounts/${SA_EMAIL}`,
        'google_sql_database_instance.database': INSTANCE,
        'google_sql_database.database_skypilot-db': `${INSTANCE}/databases/skypilot-db`,
        'google_sql_user.database_iam-user': `${PROJECT}/cloud-sql-skypilot-instance/skypilot-cloud-sql-access@${PROJECT}.iam`,
      });
      for (const id of Object.values(imports)) expect(id).not.toContain('${');
      // The addresses are resources of the stack.
      const resources = built.json('skypilot').resource ?? {};
      for (const address of Object.keys(imports)) {
        const [type, name] = address.split('.');
        expect(resources[type]?.[name]).toBeDefined();
      }
      // The seed's cluster and what it holds are not adopted: skypilot-app creates them in the new cluster.
      expect(built.json('skypilot-app').import).toBeUndefined();
      expect(adoptedResources(built.stacks['skypilot'])).toEqual(Object.keys(imports));
    },
  );

  test('password mode imports the built-in user skypilot: {{project_id}}/{{instance}}/{{name}}', () => {
    const imports = importsOf(buildApp(seedConfig({ authMode: 'password' })).json('skypilot'));
    expect(imports['google_sql_user.database_password-user']).toBe(`${PROJECT}/cloud-sql-skypilot-instance/skypilot`);
    expect(imports['google_sql_user.database_iam-user']).toBeUndefined();
    expect(Object.keys(imports)).toHaveLength(4);
  });

  test("the ids follow the config's names", () => {
    const imports = importsOf(
      buildApp(
        seedConfig({ serviceAccountId: 'sky-sql-proxy', database: { instanceName: 'sky-pg', name: 'sky' } }),
      ).json('skypilot'),
    );
    expect(imports['google_sql_database.database_skypilot-db']).toBe(`projects/${PROJECT}/instances/sky-pg/databases/sky`);
    expect(imports['google_sql_user.database_iam-user']).toBe(`${PROJECT}/sky-pg/sky-sql-proxy@${PROJECT}.iam`);
  });

  test("the instance's disk_size is left to Cloud SQL, adopted or not: a smaller one would force replacement", () => {
    const lifecycleOf = (adoptExisting: boolean) =>
      onlyResource(buildApp(seedConfig({ adoptExisting })).json('skypilot'), 'google_sql_database_instance').lifecycle;
    expect(lifecycleOf(true)).toEqual({ ignore_changes: ['settings[0].disk_size'] });
    expect(lifecycleOf(false)).toEqual({ ignore_changes: ['settings[0].disk_size'] });
  });

  // privateNetworkCustomizeDiff (resource_sql_database_instance.go, google provider v6.50.0) forces replacement when
  // the old private_network is set and the new one reads "", as ResourceDiff.GetChange reads a value unknown at plan
  // (terraform-plugin-sdk v2.37.0): a console instance with a private IP must see the new VPC as a known value.
  test("the adopted instance's private network is known at plan; without adoption it is the network's id", () => {
    const networkOf = (adoptExisting: boolean) => {
      const instance = onlyResource(buildApp(seedConfig({ adoptExisting })).json('skypilot'), 'google_sql_database_instance');
      return (instance.settings as { ip_configuration: { private_network: string } }).ip_configuration.private_network;
    };
    expect(networkOf(true)).toBe(`projects/${PROJECT}/global/networks/skypilot`);
    expect(networkOf(false)).toBe('${google_compute_network.network.id}');
    expect(onlyResource(buildApp(seedConfig()).json('skypilot'), 'google_compute_network').name).toBe('skypilot');
  });

  test('with adoptExisting off (config/example.yaml as is) neither stack has an import block', () => {
    const config = exampleConfig();
    expect(config.skypilot.adoptExisting).toBe(false);
    const built = buildApp(config);
    for (const stack of ['skypilot', 'skypilot-app']) {
      expect(built.json(stack).import).toBeUndefined();
      expect(adoptedResources(built.stacks[stack])).toEqual([]);
    }
    // Same config with the seed's names but the key off: still none.
    expect(buildApp(seedConfig({ adoptExisting: false })).json('skypilot').import).toBeUndefined();
  });

  test('no forced replacement can be known from config: no warning for the seed names, nor other versions or disks', () => {
    const adoptionWarnings = (config: ReturnType<typeof seedConfig>) =>
      configWarnings(config).filter((w) => w.startsWith('skypilot.adoptExisting'));
    expect(adoptionWarnings(seedConfig())).toEqual([]);
    const other = seedConfig({
      authMode: 'password',
      database: {
        instanceName: 'cloud-sql-skypilot-instance',
        name: 'skypilot-db',
        version: 'POSTGRES_14',
        diskSizeGb: 10,
        tier: 'db-custom-2-7680',
        availability: 'REGIONAL',
      },
    });
    expect(skypilotReplacements(other)).toEqual([]);
    expect(adoptionWarnings(other)).toEqual([]);
  });

  test('HCL output keeps the import blocks and the ignore_changes', async () => {
    const config = seedConfig();
    const app = new App({ hclOutput: true, outdir: testApp().outdir, stackTraces: false });
    const stack = addBlueprints(app, testContext(config), config).find((s) => s.node.id === 'skypilot')!;
    const hcl = await formatHcl(Testing.synthHcl(stack) as string);
    const user = `${PROJECT}/cloud-sql-skypilot-instance/skypilot-cloud-sql-access@${PROJECT}.iam`;
    expect(hcl).toContain(`import {\n  to = google_sql_database_instance.database\n  id = "${INSTANCE}"\n}`);
    expect(hcl).toContain(`import {\n  to = google_sql_user.database_iam-user\n  id = "${user}"\n}`);
    expect(hcl.match(/^import \{$/gm)).toHaveLength(4);
    expect(hcl).toMatch(/ignore_changes = \[\s*"settings\[0\]\.disk_size",?\s*\]/);
  });
});
