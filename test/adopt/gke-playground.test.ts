import { parse, stringify } from 'yaml';
import * as fs from 'node:fs';
import { parseConfig } from '../../lib/config/load';
import { adoptionSection, importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, EXAMPLE_CONFIG, exampleConfig } from '../support/app';

/** The example config with the page's seed-names sections merged in, as YAML text for the loader's warnings. */
function seedConfigText(overrides: Record<string, unknown> = {}): string {
  const example = parse(fs.readFileSync(EXAMPLE_CONFIG, 'utf8')) as Record<string, Record<string, unknown>>;
  const seed = seedNamesConfig('gke-playground');
  return stringify({ ...example, gkePlayground: { ...example.gkePlayground, ...seed.gkePlayground, ...overrides } });
}

describe('gke-playground adopts what the seed created', () => {
  const imports = importsOf(buildApp(exampleConfig(seedNamesConfig('gke-playground'))).json('gke-playground'));

  test('import ids for the seed names, in the formats the google provider 6.50.0 documents', () => {
    expect(Object.values(imports).sort()).toEqual(
      [
        // google_project: `{{project_id}}`
        'kube-playground-1',
        // google_project_service: `{{project_id}}/{{service}}`
        'kube-playground-1/compute.googleapis.com',
        'kube-playground-1/container.googleapis.com',
        // google_container_cluster: `projects/{{project_id}}/locations/{{location}}/clusters/{{cluster_id}}`
        'projects/kube-playground-1/locations/us-central1-a/clusters/cluster-1',
      ].sort(),
    );
    const byType = Object.fromEntries(Object.entries(imports).map(([to, id]) => [to.split('.')[0], id]));
    expect(byType.google_project).toBe('kube-playground-1');
    expect(byType.google_container_cluster).toBe('projects/kube-playground-1/locations/us-central1-a/clusters/cluster-1');
    for (const id of Object.values(imports)) expect(id).not.toContain('${');
  });

  test('without createProject the project is used as it is and not imported', () => {
    const seed = seedNamesConfig('gke-playground');
    const config = exampleConfig({ gkePlayground: { ...seed.gkePlayground, createProject: undefined } });
    const types = Object.keys(importsOf(buildApp(config).json('gke-playground'))).map((to) => to.split('.')[0]);
    expect(types.sort()).toEqual(['google_container_cluster', 'google_project_service', 'google_project_service']);
  });

  test('the page tells both ways out of the replacement to drop createProject (the project exists)', () => {
    const ways = adoptionSection('gke-playground').match(/^- \*\*(Keep|Give it up)[\s\S]*?(?=^- \*\*|^$)/gm) ?? [];
    expect(ways).toHaveLength(2);
    for (const way of ways) expect(way).toMatch(/no `createProject`|remove `createProject`/);
  });

  test('adoptExisting off (config/example.yaml as is): no import block', () => {
    expect(buildApp(exampleConfig()).json('gke-playground').import).toBeUndefined();
  });

  test('synth warns about each setting that replaces the seed cluster, and only when adopting', () => {
    const warnings = parseConfig(seedConfigText()).warnings.filter((w) => w.startsWith('gkePlayground.adoptExisting'));
    const settings = [
      'network and subnetwork',
      'ip_allocation_policy',
      'private_cluster_config.enable_private_nodes',
      'datapath_provider',
      'initial_node_count',
    ];
    expect(warnings).toHaveLength(settings.length);
    settings.forEach((setting, i) =>
      expect(warnings[i]).toContain(`gkePlayground.adoptExisting: google_container_cluster cluster-1: ${setting} is `),
    );
    expect(warnings[0]).toMatch(/deleted with every workload.*deletion_protection = true.*gcloud container clusters delete cluster-1 --zone us-central1-a --project kube-playground-1/);
    // Both ways out leave the project, so neither may keep createProject (google_project would 409 on create).
    expect(warnings[0]).toMatch(/no createProject since the project exists.*set adoptExisting: false without createProject/);
    const off = parseConfig(seedConfigText({ adoptExisting: false })).warnings;
    expect(off.filter((w) => w.includes('adoptExisting'))).toEqual([]);
  });
});
