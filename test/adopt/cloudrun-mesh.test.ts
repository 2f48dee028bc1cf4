import * as fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, EXAMPLE_CONFIG, exampleConfig } from '../support/app';

const STACKS = ['cloudrun-mesh', 'cloudrun-mesh-k8s', 'cloudrun-mesh-services', 'cloudrun-mesh-routes'];

/** config/example.yaml with the page's seed names merged in (section by section), as text for the loader's warnings. */
function seedConfigText(connector: Record<string, unknown> = {}): string {
  const example = parse(fs.readFileSync(EXAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
  const { projectId, cloudrunMesh } = seedNamesConfig('cloudrun-mesh') as Record<string, Record<string, unknown>>;
  const section = { ...(example.cloudrunMesh as Record<string, unknown>), ...cloudrunMesh };
  return stringify({ ...example, projectId, cloudrunMesh: { ...section, connector: { ...section.connector!, ...connector } } });
}

describe('cloudrun-mesh adopts what the seed created', () => {
  const app = buildApp(exampleConfig(seedNamesConfig('cloudrun-mesh')));
  const imports = Object.fromEntries(STACKS.map((stack) => [stack, importsOf(app.json(stack))]));

  test('google: ids in the documented formats, for the seed names', () => {
    expect(imports['cloudrun-mesh']).toEqual({
      // google_service_account: `projects/{{project_id}}/serviceAccounts/{{email}}`
      'google_service_account.k8s-fortio': 'projects/wlhe-cr/serviceAccounts/k8s-fortio@wlhe-cr.iam.gserviceaccount.com',
      // google_vpc_access_connector: `projects/{{project}}/locations/{{region}}/connectors/{{name}}`
      'google_vpc_access_connector.connector': 'projects/wlhe-cr/locations/us-central1/connectors/serverlesscon',
    });
    expect(imports['cloudrun-mesh-services']).toEqual({
      // google_cloud_run_v2_service: `projects/{{project}}/locations/{{location}}/services/{{name}}`
      'google_cloud_run_v2_service.services_cloudrun': 'projects/wlhe-cr/locations/us-central1/services/cloudrun',
    });
  });

  test('kubernetes: `<namespace>/<name>`, `<name>`, and "apiVersion=<string>,kind=<string>,[namespace=<string>,]name=<string>"', () => {
    const k8s = imports['cloudrun-mesh-k8s'];
    expect(k8s['kubernetes_namespace_v1.namespace-fortio']).toBe('fortio');
    expect(k8s['kubernetes_role_v1.namespace-fortio_google-account_role']).toBe('fortio/gsa-wlhe-cr');
    expect(k8s['kubernetes_role_binding_v1.namespace-fortio_google-account_binding']).toBe('fortio/gsa-wlhe-cr');
    expect(k8s['kubernetes_manifest.namespace-fortio_workload-group']).toBe(
      'apiVersion=networking.istio.io/v1beta1,kind=WorkloadGroup,namespace=fortio,name=gsa-wlhe-cr',
    );
    expect(k8s['kubernetes_service_v1.fortio_service']).toBe('fortio/fortio');
    expect(k8s['kubernetes_deployment_v1.fortio_deployment']).toBe('fortio/fortio');
    expect(k8s['kubernetes_manifest.fortio_peer-authentication']).toBe(
      'apiVersion=security.istio.io/v1beta1,kind=PeerAuthentication,namespace=fortio,name=fortio',
    );
    expect(k8s['kubernetes_cluster_role_v1.gateway_autoregistration_role']).toBe('autoregistration');
    expect(k8s['kubernetes_cluster_role_binding_v1.gateway_discovery_binding']).toBe('hgate-discovery');
    expect(k8s['kubernetes_role_binding_v1.gateway_tokens_binding']).toBe('istio-system/hgate-tokens-default');
    expect(k8s['kubernetes_service_v1.gateway_external']).toBe('istio-system/hgate');
    expect(k8s['kubernetes_service_v1.gateway_internal']).toBe('istio-system/internal-hgate');
    expect(k8s['kubernetes_deployment_v1.gateway_deployment']).toBe('istio-system/hgate');
    expect(k8s['kubernetes_manifest.gateway_istiod-gateway']).toBe(
      'apiVersion=networking.istio.io/v1beta1,kind=Gateway,namespace=istio-system,name=hgate-istiod',
    );
    // Ours: the renamed settings Role, and the DestinationRule the seed put in kubectl's namespace.
    expect(Object.keys(k8s).filter((to) => /mesh-settings|istiod-destination/.test(to))).toEqual([]);
    expect(Object.keys(k8s)).toHaveLength(21);
  });

  test('routes: only the template objects named after the workload; those named after the URL cannot be', () => {
    expect(imports['cloudrun-mesh-routes']).toEqual({
      'kubernetes_service_v1.mesh-cloudrun_service': 'fortio/cloudrun',
      'kubernetes_manifest.mesh-cloudrun_route': 'apiVersion=networking.istio.io/v1beta1,kind=VirtualService,namespace=fortio,name=cloudrun',
      'kubernetes_manifest.mesh-cloudrun_workload-entry':
        'apiVersion=networking.istio.io/v1beta1,kind=WorkloadEntry,namespace=fortio,name=cloudrun-sni',
    });
  });

  test('adopted manifests force field manager conflicts (kubectl owns what the seed applied); the others do not', () => {
    for (const stack of ['cloudrun-mesh-k8s', 'cloudrun-mesh-routes']) {
      const manifests = app.json(stack).resource!.kubernetes_manifest;
      const adopted = new Set(Object.keys(imports[stack]).filter((to) => to.startsWith('kubernetes_manifest.')));
      expect(adopted.size).toBeGreaterThan(0);
      for (const [name, manifest] of Object.entries(manifests)) {
        const forced = adopted.has(`kubernetes_manifest.${name}`) ? { force_conflicts: true } : undefined;
        expect([name, manifest.field_manager]).toEqual([name, forced]);
      }
    }
    const example = buildApp(exampleConfig()).json('cloudrun-mesh-k8s').resource!.kubernetes_manifest;
    for (const manifest of Object.values(example)) expect(manifest.field_manager).toBeUndefined();
  });

  test('every import id is known when Terraform plans', () => {
    for (const id of STACKS.flatMap((stack) => Object.values(imports[stack]))) expect(id).not.toContain('${');
  });

  test('adoptExisting off (config/example.yaml as is): no import block', () => {
    const example = buildApp(exampleConfig());
    for (const stack of STACKS) expect(example.json(stack).import).toBeUndefined();
  });

  test('synth warns when the connector would shrink below the console default, not when it matches', () => {
    const adoptWarnings = (text: string) => parseConfig(text).warnings.filter((w) => w.startsWith('cloudrunMesh.adoptExisting'));
    expect(adoptWarnings(seedConfigText())).toEqual([]);
    const [warning, ...rest] = adoptWarnings(seedConfigText({ maxInstances: 5 }));
    expect(rest).toEqual([]);
    expect(warning).toContain(
      "cloudrunMesh.adoptExisting: google_vpc_access_connector serverlesscon: max_instances is 10 (the console's default) " +
        'as the seed created it and 5 here',
    );
    expect(warning).toContain('Set cloudrunMesh.connector.maxInstances to 10');
  });
});
