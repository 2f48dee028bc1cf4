import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, EXAMPLE_CONFIG, exampleConfig, mergeSections } from '../support/app';

/**
 * `ilpConnector.adoptExisting`: the `ilp-connector` stack imports what seed 000's gcloud steps created, by the names
 * in the config the page shows (docs/blueprints/ilp-connector.md, "Adopt what the seed created").
 */
const PROJECT = 'example-project-123';
const SEED = seedNamesConfig('ilp-connector');

/** config/example.yaml with `overrides` merged section by section, through the loader synth uses; its adoption warnings. */
function adoptionWarnings(overrides: Record<string, unknown>): string[] {
  const merged = mergeSections(parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as Record<string, unknown>, overrides);
  return parseConfig(stringify(merged)).warnings.filter((w) => w.startsWith('ilpConnector.adoptExisting:'));
}

const seedSection = SEED.ilpConnector;
/** settings.ip_configuration.private_network of a synthesized google_sql_database_instance. */
const privateNetworkOf = (instance: Record<string, unknown>) =>
  (instance.settings as { ip_configuration: { private_network: string } }).ip_configuration.private_network;
const withRedis = (redis: Record<string, unknown>) => ({
  ...SEED,
  ilpConnector: { ...seedSection, redis: { ...(seedSection.redis as object), ...redis } },
});

describe('ilp-connector adopts what the seed created', () => {
  const built = buildApp(exampleConfig(SEED));

  // Import id formats, quoted from the "## Import" section of each type's page in hashicorp/terraform-provider-google
  // v6.50.0 (website/docs/r/<type>.html.markdown):
  //   sql_database_instance   "projects/{{project}}/instances/{{name}}"
  //   sql_database            "projects/{{project}}/instances/{{instance}}/databases/{{name}}"
  //   sql_user (PostgreSQL)   "{{project_id}}/{{instance}}/{{name}}"
  //   redis_instance          "projects/{{project}}/locations/{{region}}/instances/{{name}}"
  //   kms_key_ring            "projects/{{project}}/locations/{{location}}/keyRings/{{name}}"
  //   kms_crypto_key          "{{key_ring}}/cryptoKeys/{{name}}"
  //   google_service_account  "projects/{{project_id}}/serviceAccounts/{{email}}"
  test('import ids of the seed names in the formats the google provider documents', () => {
    expect(importsOf(built.json('ilp-connector'))).toEqual({
      'google_sql_database_instance.database': `projects/${PROJECT}/instances/connector`,
      'google_sql_database.database_connector-db': `projects/${PROJECT}/instances/connector/databases/connector`,
      'google_sql_user.database_connector-user': `${PROJECT}/connector/connector`,
      'google_redis_instance.redis': `projects/${PROJECT}/locations/us-west1/instances/connector`,
      'google_kms_key_ring.kms_ring': `projects/${PROJECT}/locations/global/keyRings/connector`,
      'google_kms_crypto_key.kms': `projects/${PROJECT}/locations/global/keyRings/connector/cryptoKeys/secret0`,
      'google_service_account.connector': `projects/${PROJECT}/serviceAccounts/connector@${PROJECT}.iam.gserviceaccount.com`,
    });
  });

  test('every import id is known when Terraform plans; the app stack and the cluster import nothing', () => {
    const json = built.json('ilp-connector');
    for (const block of json.import ?? []) expect(block.id).not.toContain('${');
    expect(built.json('ilp-connector-app').import).toBeUndefined();
    expect(Object.keys(importsOf(json)).filter((to) => to.startsWith('google_container_'))).toEqual([]);
  });

  test('the instance ignores disk_size, which autoresize may have grown (a smaller one forces replacement)', () => {
    const instance = built.json('ilp-connector').resource!.google_sql_database_instance.database;
    expect(instance.lifecycle).toEqual({ ignore_changes: ['settings[0].disk_size'] });
  });

  // privateNetworkCustomizeDiff (google/services/sql/resource_sql_database_instance.go, v6.50.0) forces replacement
  // when the old private_network is set and the new one reads "", which is how ResourceDiff.GetChange reads a value
  // unknown at plan (terraform-plugin-sdk v2.37.0). The seed's instance is in `default`: the new VPC must be named
  // by a value known at plan, not by the id of the network this apply creates.
  test("the adopted instance's private network is known at plan, so its move from default is in place", () => {
    const instance = built.json('ilp-connector').resource!.google_sql_database_instance.database;
    expect(privateNetworkOf(instance)).toBe(`projects/${PROJECT}/global/networks/ilp-connector`);
    expect(instance.depends_on).toContain('google_service_networking_connection.private-services');
    const network = built.json('ilp-connector').resource!.google_compute_network.network;
    expect(network.name).toBe('ilp-connector');
    expect(network.project).toBe(PROJECT);
  });

  test('with adoptExisting off (config/example.yaml as is) no stack has an import block', () => {
    const example = buildApp(exampleConfig());
    for (const stack of ['ilp-connector', 'ilp-connector-app']) expect(example.json(stack).import).toBeUndefined();
    // disk_size is ignored on every instance (lib/sql/postgres.ts), adopted or not.
    expect(example.json('ilp-connector').resource!.google_sql_database_instance.database.lifecycle).toEqual({
      ignore_changes: ['settings[0].disk_size'],
    });
    const instance = example.json('ilp-connector').resource!.google_sql_database_instance.database;
    expect(privateNetworkOf(instance)).toBe('${google_compute_network.network.id}');
  });
});

describe('ilp-connector forced replacements (synth warnings)', () => {
  const network = (w: string) => w.includes('google_redis_instance connector: authorized_network and connect_mode');
  const transit = (w: string) => w.includes('google_redis_instance connector: transit_encryption_mode');
  const tier = (w: string) => w.includes('google_redis_instance connector: tier');
  const region = (w: string) => w.includes('google_sql_database_instance connector: region');

  test("the seed names: Memorystore's network and TLS force replacement; Cloud SQL stays in place", () => {
    const warnings = adoptionWarnings(SEED);
    expect(warnings).toHaveLength(2);
    expect(warnings.find(network)).toBe(
      'ilpConnector.adoptExisting: google_redis_instance connector: authorized_network and connect_mode is default and ' +
        'DIRECT_PEERING as the seed created it and ilp-connector and PRIVATE_SERVICE_ACCESS here, which Terraform ' +
        'cannot change in place: apply would destroy it and create it again; no key keeps them (the cluster reaches ' +
        "Memorystore only in the blueprint's VPC). Replacing it loses the connector's balances in Redis, which start " +
        'again from zero; to keep them, export before apply (gcloud redis instances export gs://<bucket>/connector.rdb ' +
        'connector --region us-west1) and import after it (gcloud redis instances import gs://<bucket>/connector.rdb ' +
        'connector --region us-west1; Memorystore imports RDB files of older Redis versions)',
    );
    expect(warnings.find(transit)).toMatch(/DISABLED as the seed created it and SERVER_AUTHENTICATION here.*redis\.transitEncryption: false/);
    expect(warnings.some(region) || warnings.some(tier)).toBe(false);
  });

  test('transit_encryption_mode: warned with TLS on, not with the seed\'s DISABLED', () => {
    expect(adoptionWarnings(withRedis({ transitEncryption: false })).filter(transit)).toEqual([]);
    expect(adoptionWarnings(withRedis({ transitEncryption: true })).filter(transit)).toHaveLength(1);
  });

  test("tier: warned for STANDARD_HA, not for the seed's BASIC", () => {
    expect(adoptionWarnings(withRedis({ tier: 'BASIC' })).filter(tier)).toEqual([]);
    expect(adoptionWarnings(withRedis({ tier: 'STANDARD_HA' })).filter(tier)).toEqual([
      expect.stringMatching(/tier is BASIC as the seed created it and STANDARD_HA here.*redis\.tier: BASIC/),
    ]);
  });

  test("Cloud SQL region: warned when region is not the seed's us-west1, saying what is lost and what to set", () => {
    const elsewhere = { ...SEED, region: 'us-central1', ilpConnector: { ...seedSection, cluster: { zone: 'us-central1-a' } } };
    expect(adoptionWarnings(elsewhere).filter(region)).toEqual([
      expect.stringMatching(
        /region is us-west1 as the seed created it and us-central1 here.*accounts, routes and settlements in database connector.*Set region/,
      ),
    ]);
    // Whoever created the instance in us-central1 (the page allows it) is told how to see that nothing is replaced.
    expect(adoptionWarnings(elsewhere).find(region)).toContain(
      "check with gcloud sql instances describe connector --format='value(region)': if it prints us-central1 (gcloud " +
        "was given another --region than the seed's), nothing is replaced and this warning does not apply. Otherwise",
    );
    expect(adoptionWarnings(SEED).filter(region)).toEqual([]);
  });

  test('adoptExisting off: no adoption warning', () => {
    expect(adoptionWarnings({ ...SEED, ilpConnector: { ...seedSection, adoptExisting: false } })).toEqual([]);
  });
});
