import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { ServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import { Sidecar } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { WorkloadEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry';
import { WorkloadGroup } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadGroup';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import type { Waiver } from '../../lib/config/global';
import { launcherDefaults, namespaceAccountId } from '../../lib/mesh/names';
import { buildVariant, exampleConfig, manifestOf, resourcesOf, TerraformJson } from '../support/app';
import { crdSchema, prunedFields, REFERENCE_CRDS } from '../support/crd';

const PROJECT = 'example-project-123';
const terraform = spawnSync('terraform', ['version']).status === 0;
const GSA = `k8s-fortio@${PROJECT}.iam.gserviceaccount.com`;
const MESH_DATAPLANE = 'service-${data.google_project.project-number.number}@gcp-sa-meshdataplane.iam.gserviceaccount.com';
const RBAC_NAME = `gsa-${PROJECT}`;

type Attrs = Record<string, unknown>;

const STACKS = ['cloudrun-mesh', 'cloudrun-mesh-k8s', 'cloudrun-mesh-services', 'cloudrun-mesh-routes'];

/** The four stacks built and synthesized (the baseline reports its findings during synthesis). */
function mesh(overrides: Record<string, unknown> = {}, waivers: Waiver[] = []) {
  return buildVariant('cloudrunMesh', overrides, waivers, STACKS);
}

const example = exampleConfig().cloudrunMesh!;
/** The example's first workload with changes. */
const workload = (changes: Attrs) => ({ ...example.workloads[0], ...changes });

function resource(json: TerraformJson, type: string, name: string): Attrs {
  const found = resourcesOf(json, type)[name];
  if (!found) throw new Error(`no ${type}.${name} (have ${Object.keys(resourcesOf(json, type)).join(', ')})`);
  return found;
}

interface RunService {
  ingress: string;
  deletion_protection: boolean;
  template: {
    service_account: string;
    execution_environment: string;
    max_instance_request_concurrency: number;
    timeout: string;
    scaling: { min_instance_count: number; max_instance_count?: number };
    vpc_access: { connector: string; egress: string };
    containers: {
      image: string;
      ports: { name: string; container_port: number };
      resources: { limits: Record<string, string> };
      env: { name: string; value?: string; value_source?: unknown }[];
    }[];
  };
}

const runService = (json: TerraformJson, name: string) =>
  resource(json, 'google_cloud_run_v2_service', `services_${name}`) as unknown as RunService;
const envOf = (service: RunService) =>
  Object.fromEntries(service.template.containers[0].env.map((e) => [e.name, e.value ?? e.value_source]));
const invokers = (json: TerraformJson, name: string) =>
  Object.entries(resourcesOf(json, 'google_cloud_run_v2_service_iam_member'))
    .filter(([key]) => key.startsWith(`services_${name}_`))
    .map(([, binding]) => binding.member)
    .sort();

/** The rules of a kubernetes Role (typed resource), as the seed writes them. */
const rulesOf = (role: Attrs) =>
  (role.rule as Attrs[]).map((r) => ({ apiGroups: r.api_groups, resources: r.resources, resourceNames: r.resource_names, verbs: r.verbs }));

describe('cloudrun-mesh (seed 001)', () => {
  const built = mesh();
  const infra = built.json('cloudrun-mesh');
  const k8s = built.json('cloudrun-mesh-k8s');
  const services = built.json('cloudrun-mesh-services');
  const routes = built.json('cloudrun-mesh-routes');

  test('snapshots', () => {
    for (const stack of STACKS) expect(built.json(stack)).toMatchSnapshot(stack);
  });

  test('no baseline finding', () => {
    expect(built.baseline.violations).toEqual([]);
  });

  test('a Google account k8s-<namespace> per namespace, viewer of the clusters', () => {
    const accounts = resourcesOf(infra, 'google_service_account');
    expect(Object.keys(accounts)).toEqual(['k8s-fortio']);
    expect(accounts['k8s-fortio']).toMatchObject({
      account_id: 'k8s-fortio',
      display_name: 'Service account with access to fortio k8s namespace',
    });
    const grants = Object.values(resourcesOf(infra, 'google_project_iam_member'));
    expect(grants).toEqual([
      expect.objectContaining({ role: 'roles/container.clusterViewer', member: '${google_service_account.k8s-fortio.member}' }),
    ]);
  });

  test('the Serverless VPC Access connector serverlesscon on the cluster network, a /28', () => {
    expect(resource(infra, 'google_vpc_access_connector', 'connector')).toMatchObject({
      name: 'serverlesscon',
      region: 'us-central1',
      network: 'default',
      ip_cidr_range: '10.8.0.0/28',
      min_instances: 2,
      max_instances: 10,
    });
    expect(resource(infra, 'google_project_service', 'project_vpcaccess')).toMatchObject({ service: 'vpcaccess.googleapis.com' });
  });

  test("the internal gateway's address is reserved in the cluster's subnetwork", () => {
    expect(resource(infra, 'google_compute_address', 'gateway-address')).toMatchObject({
      name: 'internal-hgate',
      address_type: 'INTERNAL',
      address: '10.128.0.50',
      subnetwork: 'default',
      region: 'us-central1',
    });
  });

  test("each Cloud Run service: the seed's gcloud alpha run deploy and Makefile sizing", () => {
    for (const name of ['cloudrun', 'cloudrun2']) {
      const service = runService(services, name);
      expect(service).toMatchObject({
        name,
        location: 'us-central1',
        ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
        deletion_protection: false,
        template: {
          // --execution-environment=gen2 --service-account=k8s-fortio@...
          execution_environment: 'EXECUTION_ENVIRONMENT_GEN2',
          service_account: GSA,
          // --concurrency 10 --timeout 900 --min-instances 1
          max_instance_request_concurrency: 10,
          timeout: '900s',
          scaling: { min_instance_count: 1 },
          // --vpc-connector .../connectors/serverlesscon
          vpc_access: { connector: `projects/${PROJECT}/locations/us-central1/connectors/serverlesscon`, egress: 'PRIVATE_RANGES_ONLY' },
        },
      });
      const [container] = service.template.containers;
      // --use-http2 --port 15009, --cpu 1 --memory 1G
      expect(container.ports).toEqual({ name: 'h2c', container_port: 15009 });
      expect(container.resources.limits).toEqual({ cpu: '1', memory: '1G' });
      expect(container.image).toBe('us-central1-docker.pkg.dev/example-project-123/krun/fortio-mesh:85cf58f');
      // The launcher derives the namespace from k8s-fortio@ and the name from the service: only the cluster is set.
      expect(envOf(service)).toEqual({ CLUSTER_NAME: 'asm-cr', CLUSTER_LOCATION: 'us-central1-c' });
    }
  });

  test('only the identity the gate presents may invoke the services: the mesh data plane service agent', () => {
    // The gate mints its ID token as this agent (krun 85cf58f pkg/sts/sts.go); istio-system/default never calls Cloud Run.
    for (const name of ['cloudrun', 'cloudrun2']) expect(invokers(services, name)).toEqual([`serviceAccount:${MESH_DATAPLANE}`]);
    for (const binding of Object.values(resourcesOf(services, 'google_cloud_run_v2_service_iam_member'))) {
      expect(binding.role).toBe('roles/run.invoker');
    }
    expect(services.data?.google_project).toEqual({ 'project-number': { project_id: PROJECT } });
  });

  test("a service is planned only once the gateway has written a usable mesh-env, which its launcher needs to start", () => {
    expect((services.data?.kubernetes_resources ?? {})['mesh-env']).toEqual({
      api_version: 'v1',
      kind: 'ConfigMap',
      namespace: 'istio-system',
      field_selector: 'metadata.name=mesh-env',
    });
    for (const name of ['cloudrun', 'cloudrun2']) {
      const [precondition] = (resource(services, 'google_cloud_run_v2_service', `services_${name}`).lifecycle as {
        precondition: { condition: string; error_message: string }[];
      }).precondition;
      const data = 'data.kubernetes_resources.mesh-env.objects[0].data';
      expect(precondition.condition).toBe(
        `\${can(regex("^[^:]+:[0-9]+$", try(${data}.XDS_ADDR, ""))) && ` +
          `(try(${data}.XDS_ADDR, "") != "meshconfig.googleapis.com:443" || try(${data}.MESH_TENANT, "") != "")}`,
      );
      expect(precondition.error_message).toMatch(/^istio-system\/mesh-env has no usable XDS_ADDR .* Deploy cloudrun-mesh-k8s/);
    }
  });

  (terraform ? test : test.skip)('the precondition, evaluated by terraform console on the mesh-env the gate may have written', () => {
    const condition = (resource(services, 'google_cloud_run_v2_service', 'services_cloudrun').lifecycle as {
      precondition: { condition: string }[];
    }).precondition[0].condition;
    const holds = (objects: unknown[]) => {
      const expression = condition.slice(2, -1).replaceAll('data.kubernetes_resources.mesh-env.objects', `jsondecode(${JSON.stringify(JSON.stringify(objects))})`);
      const run = spawnSync('terraform', ['console'], { input: expression, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(run.stderr).toBe('');
      return run.stdout.trim();
    };
    const meshEnv = (data: Record<string, string>) => [{ metadata: { name: 'mesh-env' }, data }];
    expect(holds([])).toBe('false'); // not written yet
    expect(holds(meshEnv({ MCON_ADDR: '10.128.0.50' }))).toBe('false'); // only the seed
    expect(holds(meshEnv({ XDS_ADDR: ':15012' }))).toBe('false'); // the gate found no address
    expect(holds(meshEnv({ XDS_ADDR: 'meshconfig.googleapis.com:443' }))).toBe('false'); // managed, without the tenant
    expect(holds(meshEnv({ XDS_ADDR: 'meshconfig.googleapis.com:443', MESH_TENANT: 'projects/123/x' }))).toBe('true');
    expect(holds(meshEnv({ XDS_ADDR: '34.1.2.3:15012' }))).toBe('true'); // in-cluster istiod through hgate
  });

  test('every service is created after what its launcher needs at start: RBAC, the gateway, its IAM grants', () => {
    // Everything a stack depends on, directly or not, is applied before it (cdktf and docs/pipelines.md order them).
    const upstream = new Set<string>();
    const pending = [...built.stacks['cloudrun-mesh-services'].dependencies];
    while (pending.length > 0) {
      const stack = pending.pop()!;
      upstream.add(stack.node.id);
      pending.push(...stack.dependencies);
    }
    const before = [...upstream].map((name) => built.json(name));
    const found = (type: string, match: (block: Attrs) => boolean) =>
      before.some((json) => Object.values(resourcesOf(json, type)).some(match));
    const boundTo = (email: string, namespace: string, role: string) => (binding: Attrs) =>
      (binding.metadata as Attrs).namespace === namespace &&
      (binding.role_ref as Attrs).name === role &&
      (binding.subject as Attrs[]).some((subject) => subject.kind === 'User' && subject.name === email);

    for (const [name, service] of Object.entries(resourcesOf(services, 'google_cloud_run_v2_service'))) {
      const email = (service.template as { service_account: string }).service_account;
      const namespace = example.workloads.find((w) => `services_${w.name}` === name)!.namespace;
      const account = Object.entries(resourcesOf(infra, 'google_service_account')).find(
        ([, block]) => `${block.account_id as string}@${PROJECT}.iam.gserviceaccount.com` === email,
      );
      expect({ name, account: account?.[0] }).toEqual({ name, account: 'k8s-fortio' });
      const needs = {
        // GetCluster at start (pkg/gcp/gcp-kubeconfig.go).
        clusterViewer: found('google_project_iam_member', (grant) =>
          grant.role === 'roles/container.clusterViewer' && grant.member === `\${google_service_account.${account![0]}.member}`),
        // Tokens of the namespace's default account (pkg/mesh/k8s_tokens.go).
        tokens: found('kubernetes_role_binding_v1', boundTo(email, namespace, RBAC_NAME)),
        // mesh-env in istio-system: a 403 ends the launcher (pkg/mesh/k8s_client.go).
        meshSettings: found('kubernetes_role_binding_v1', boundTo(email, 'istio-system', 'cloudrun-mesh-autoconf')),
        // The gate, which writes mesh-env.
        gateway: found('kubernetes_deployment_v1', (d) => (d.metadata as Attrs).name === 'hgate'),
      };
      expect({ name, ...needs }).toEqual({ name, clusterViewer: true, tokens: true, meshSettings: true, gateway: true });
    }
    expect([...upstream].sort()).toEqual(['cloudrun-mesh', 'cloudrun-mesh-k8s']);
    expect(built.stacks['cloudrun-mesh-routes'].dependencies.map((d) => d.node.id)).toEqual(['cloudrun-mesh-services']);
  });

  test('the workload namespace joins the mesh revision from config', () => {
    const namespace = resource(k8s, 'kubernetes_namespace_v1', 'namespace-fortio');
    expect(namespace.metadata).toEqual({ name: 'fortio', labels: { 'istio.io/rev': 'asm-managed' } });
  });

  test("the Google account's RBAC in its namespace: Role and RoleBinding gsa-<project>", () => {
    const role = resource(k8s, 'kubernetes_role_v1', 'namespace-fortio_google-account_role');
    expect(role.metadata).toMatchObject({ name: RBAC_NAME, namespace: 'fortio' });
    expect(rulesOf(role)).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['default'], verbs: ['create', 'get'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['mesh-env'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['sshdebug'], verbs: ['get'] },
    ]);
    const binding = resource(k8s, 'kubernetes_role_binding_v1', 'namespace-fortio_google-account_binding');
    expect(binding).toMatchObject({
      metadata: { name: RBAC_NAME, namespace: 'fortio' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: RBAC_NAME },
      subject: [{ kind: 'User', name: GSA, api_group: 'rbac.authorization.k8s.io' }],
    });
  });

  test('the WorkloadGroup ties the Google account to the namespace', () => {
    const group = manifestOf(k8s, 'namespace-fortio_workload-group');
    expect(group).toEqual({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'WorkloadGroup',
      metadata: { name: RBAC_NAME, namespace: 'fortio' },
      spec: {
        metadata: {
          labels: { 'cr-google-service-account': `k8s-fortio.${PROJECT}` },
          annotations: { 'security.cloud.google.com/IdentityProvider': 'google' },
        },
        template: { serviceAccount: GSA },
      },
    });
  });

  test('the mesh connector gateway: hgate Deployment, external and internal load balancers', () => {
    const deployment = resource(k8s, 'kubernetes_deployment_v1', 'gateway_deployment') as {
      metadata: Attrs;
      spec: { replicas: string; template: { metadata: Attrs; spec: Attrs & { service_account_name: string; container: Attrs[] } } };
    };
    expect(deployment.metadata).toMatchObject({ name: 'hgate', namespace: 'istio-system' });
    expect(deployment.spec.replicas).toBe('1');
    expect(deployment.spec.template.metadata).toEqual({
      labels: { app: 'hgate', istio: 'hgate', version: 'v2.2' },
      annotations: { 'inject.istio.io/templates': 'gateway' },
    });
    expect(deployment.spec.template.spec.service_account_name).toBe('default');
    expect(deployment.spec.template.spec).toMatchObject({
      automount_service_account_token: true,
      volume: [{ name: 'gate-state', empty_dir: {} }],
    });
    // The gate starts after its RBAC (a 403 ends it) and both load balancers have addresses (it polls them forever).
    expect(resource(k8s, 'kubernetes_deployment_v1', 'gateway_deployment').depends_on).toEqual([
      'kubernetes_cluster_role_binding_v1.gateway_autoregistration_binding',
      'kubernetes_cluster_role_binding_v1.gateway_discovery_binding',
      'kubernetes_role_binding_v1.gateway_tokens_binding',
      'kubernetes_role_binding_v1.gateway_service-view_binding',
      'kubernetes_service_v1.gateway_external',
      'kubernetes_service_v1.gateway_internal',
    ]);
    expect(resource(k8s, 'kubernetes_service_v1', 'gateway_internal')).not.toHaveProperty('wait_for_load_balancer');
    expect(deployment.spec.template.spec.container).toEqual([
      {
        name: 'istio-proxy',
        image: 'us-central1-docker.pkg.dev/example-project-123/krun/gate:85cf58f',
        image_pull_policy: 'Always',
        env: [
          { name: 'WORKLOAD_NAMESPACE', value_from: { field_ref: { field_path: 'metadata.namespace' } } },
          { name: 'GRPC_XDS_BOOTSTRAP', value: '/var/run/secrets/istio.io/grpc-bootstrap.json' },
        ],
        port: [
          { name: 'tls', container_port: 15443 },
          { name: 'https-h2r', container_port: 15441 },
        ],
        resources: { requests: { cpu: '10m', memory: '512Mi' }, limits: { cpu: '4', memory: '8G' } },
        security_context: {
          run_as_non_root: true,
          run_as_user: '1337',
          run_as_group: '1337',
          allow_privilege_escalation: false,
          read_only_root_filesystem: true,
          capabilities: { drop: ['ALL'] },
          seccomp_profile: { type: 'RuntimeDefault' },
        },
        readiness_probe: {
          http_get: { path: '/healthz/ready', port: '15021' },
          timeout_seconds: 3,
          period_seconds: 15,
          failure_threshold: 4,
        },
        startup_probe: { tcp_socket: [{ port: '15441' }], period_seconds: 5, failure_threshold: 60 },
        liveness_probe: { tcp_socket: [{ port: '15441' }], period_seconds: 10, failure_threshold: 3 },
        volume_mount: [
          '/etc/istio/proxy',
          '/etc/istio/pod',
          '/var/lib/istio/data',
          '/var/run/secrets/istio',
          '/var/run/secrets/istio.io',
          '/var/run/secrets/mesh',
          '/var/run/secrets/tokens',
        ].map((dir) => ({ name: 'gate-state', mount_path: dir, sub_path: dir.slice(1).replaceAll('/', '-') })),
      },
    ]);

    const ports = (service: Attrs) =>
      ((service.spec as { port: Attrs[] }).port).map((p) => `${p.name}:${p.port}${p.target_port ? `->${p.target_port}` : ''}`);
    const external = resource(k8s, 'kubernetes_service_v1', 'gateway_external');
    expect(external.metadata).toMatchObject({ name: 'hgate', namespace: 'istio-system', labels: { 'topology.istio.io/network': 'hbone' } });
    expect(external.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'hgate' }, load_balancer_source_ranges: ['198.51.100.0/24'] });
    expect(ports(external)).toEqual(['tls:15443', 'https-hbone:15008', 'https-h2r:15441', 'https:443->8443', 'http:80->8080', 'tls-istiod:15012']);

    const internal = resource(k8s, 'kubernetes_service_v1', 'gateway_internal');
    expect(internal.metadata).toMatchObject({
      name: 'internal-hgate',
      namespace: 'istio-system',
      annotations: {
        'networking.gke.io/load-balancer-type': 'Internal',
        'cloud.google.com/load-balancer-type': 'Internal',
        'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      },
    });
    expect(internal.spec).toMatchObject({ type: 'LoadBalancer', load_balancer_ip: '10.128.0.50', selector: { app: 'hgate' } });
    expect(ports(internal)).toEqual(['tls:15443', 'tls-tun:15442', 'https-hbone:15008', 'https-h2r:15441', 'tls-istiod:15012']);
  });

  test("the gateway's RBAC, as the seed's kustomization names it", () => {
    const names = (type: string) => Object.values(resourcesOf(k8s, type)).map((r) => (r.metadata as Attrs).name).sort();
    expect(names('kubernetes_cluster_role_v1')).toEqual(['autoregistration', 'discovery']);
    expect(names('kubernetes_cluster_role_binding_v1')).toEqual(['hgate-autoregistration', 'hgate-discovery']);
    expect(names('kubernetes_role_v1')).toEqual([
      'cloudrun-mesh-autoconf',
      'gsa-example-project-123',
      'hgate-default-tokens',
      'hgate-service-view',
    ]);
    expect(names('kubernetes_role_binding_v1')).toEqual([
      'cloudrun-mesh-autoconf',
      'gsa-example-project-123',
      'hgate-service-view',
      'hgate-tokens-default',
    ]);
    for (const binding of ['gateway_autoregistration_binding', 'gateway_discovery_binding']) {
      expect(resource(k8s, 'kubernetes_cluster_role_binding_v1', binding).subject).toEqual([
        { kind: 'ServiceAccount', name: 'default', namespace: 'istio-system' },
      ]);
    }
    expect(rulesOf(resource(k8s, 'kubernetes_role_v1', 'gateway_tokens_role'))).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['default'], verbs: ['create', 'get'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['istio-ca-root-cert', 'krun'], verbs: ['get'] },
    ]);
    // The seed grants the mesh settings to system:authenticated, which on GKE is any Google account.
    expect(resource(k8s, 'kubernetes_role_binding_v1', 'mesh-settings_binding').subject).toEqual([
      { kind: 'User', name: GSA, api_group: 'rbac.authorization.k8s.io' },
    ]);
    expect(rulesOf(resource(k8s, 'kubernetes_role_v1', 'mesh-settings_role'))).toContainEqual({
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['mesh-env', 'env-asm-managed', 'istio-ca-root-cert', 'istio'],
      verbs: ['get'],
    });
  });

  test("istiod's port 15012 passes through the gateway", () => {
    expect(manifestOf(k8s, 'gateway_istiod-gateway').spec).toEqual({
      selector: { istio: 'hgate' },
      servers: [
        { port: { number: 15012, name: 'tls-istiod', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
        { port: { number: 15008, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' }, hosts: ['*'] },
      ],
    });
    expect(manifestOf(k8s, 'gateway_istiod-route').spec).toEqual({
      hosts: ['*'],
      gateways: ['hgate-istiod'],
      tls: [
        {
          match: [{ port: 15012, sniHosts: ['istiod.istio-system.svc'] }],
          route: [{ destination: { host: 'istiod.istio-system.svc.cluster.local', port: { number: 15012 } } }],
        },
      ],
    });
    expect(manifestOf(k8s, 'gateway_istiod-destination')).toMatchObject({
      metadata: { name: 'hgate-istiod', namespace: 'istio-system' },
      spec: { trafficPolicy: { portLevelSettings: [{ port: { number: 15012 }, tls: { mode: 'DISABLE' } }] } },
    });
  });

  test('each Cloud Run service gets the SNI objects of the seed template, named after its URL host', () => {
    const host = 'cloudrun-urlhost.fortio.svc.cluster.local';
    const labels = { 'service.istio.io/canonical-name': 'cloudrun', 'mesh-cloudrun': 'cloudrun' };
    for (const [id, name] of [['mesh-cloudrun_url-service', 'cloudrun-urlhost'], ['mesh-cloudrun_service', 'cloudrun']]) {
      const service = resource(routes, 'kubernetes_service_v1', id);
      expect(JSON.stringify(service.metadata)).toContain(name === 'cloudrun' ? '"name":"cloudrun"' : 'service-cloudrun.urls');
      expect(service.metadata).toMatchObject({ namespace: 'fortio', labels });
      expect(service.spec).toEqual({ selector: { app: 'cloudrun' }, port: [{ name: 'http', port: 8080, target_port: '15443' }] });
    }
    expect(manifestOf(routes, 'mesh-cloudrun_route')).toMatchObject({
      metadata: { name: 'cloudrun', namespace: 'fortio', labels },
      spec: { hosts: ['cloudrun', 'cloudrun.fortio', 'cloudrun.fortio.svc'], http: [{ route: [{ destination: { host } }] }] },
    });
    // The template hard-codes `fortio` in these hosts; they follow the workload's namespace (see the variant below).
    expect(manifestOf(routes, 'mesh-cloudrun_destination').spec).toEqual({ host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(manifestOf(routes, 'mesh-cloudrun_peer-authentication').spec).toEqual({
      selector: { matchLabels: { app: 'cloudrun' } },
      portLevelMtls: { '15003': { mode: 'STRICT' } },
    });
    expect(manifestOf(routes, 'mesh-cloudrun_workload-entry')).toEqual({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'WorkloadEntry',
      metadata: { name: 'cloudrun-sni', namespace: 'fortio', labels: { 'service.istio.io/canonical-name': 'cloudrun', app: 'cloudrun' } },
      spec: { serviceAccount: 'default', address: '10.128.0.50', ports: { http: 15442 } },
    });
    expect(manifestOf(routes, 'mesh-cloudrun_service-entry').spec).toEqual({
      hosts: [host],
      location: 'MESH_INTERNAL',
      ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }],
      resolution: 'STATIC',
      workloadSelector: { labels: { app: 'cloudrun' } },
    });
    expect(manifestOf(routes, 'mesh-cloudrun_sidecar').spec).toEqual({
      workloadSelector: { labels: { app: 'cloudrun' } },
      ingress: [
        {
          port: { number: 15003, protocol: 'HTTP', name: 'http-testsidecar2' },
          bind: '127.0.0.1',
          defaultEndpoint: '127.0.0.1:8080',
          captureMode: 'NONE',
        },
      ],
    });
  });

  test("the URL host is the seed's K_SERVICE: the first label of the service's a.run.app URL", () => {
    const data = (routes.data?.google_cloud_run_v2_service ?? {})['service-cloudrun'];
    expect(data).toMatchObject({ name: 'cloudrun', location: 'us-central1', project: PROJECT });
    const name = (resource(routes, 'kubernetes_service_v1', 'mesh-cloudrun_url-service').metadata as Attrs).name;
    expect(name).toBe(
      '${element(regex("https://([a-z0-9-]+)[.]a[.]run[.]app", join(" ", data.google_cloud_run_v2_service.service-cloudrun.urls)), 0)}',
    );
  });

  (terraform ? test : test.skip)('the label is the a.run.app one whichever URL Cloud Run lists first (terraform console)', () => {
    // The gate appends .a.run.app to the label (pkg/meshconnectord/snigate.go): a deterministic URL's label would not work.
    const name = (resource(routes, 'kubernetes_service_v1', 'mesh-cloudrun_url-service').metadata as Attrs).name as string;
    const evaluate = (urls: string[]) => {
      const expression = name.slice(2, -1).replace('data.google_cloud_run_v2_service.service-cloudrun.urls', JSON.stringify(urls));
      const run = spawnSync('terraform', ['console'], { input: expression, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
      return run.status === 0 ? (JSON.parse(run.stdout.trim()) as string) : `error: ${/pattern did not match/.test(run.stdout + run.stderr)}`;
    };
    const deterministic = `https://cloudrun-123456789012.us-central1.run.app`;
    const hashed = 'https://cloudrun-6c3hzwsnla-uc.a.run.app';
    expect(evaluate([deterministic, hashed])).toBe('cloudrun-6c3hzwsnla-uc');
    expect(evaluate([hashed, deterministic])).toBe('cloudrun-6c3hzwsnla-uc');
    expect(evaluate([deterministic])).toBe('error: true');
  });

  test("the seed's weighted route: myservice sends 25% to cloudrun and 75% to cloudrun2", () => {
    const service = resource(routes, 'kubernetes_service_v1', 'route-fortio-myservice_service');
    expect(service).toMatchObject({
      metadata: { name: 'myservice', namespace: 'fortio' },
      spec: { port: [{ name: 'http', port: 8080, target_port: '15443' }] },
    });
    expect(manifestOf(routes, 'route-fortio-myservice_route').spec).toEqual({
      hosts: ['myservice', 'myservice.fortio.svc'],
      http: [
        {
          route: [
            { destination: { host: 'cloudrun-urlhost.fortio.svc.cluster.local' }, weight: 25 },
            { destination: { host: 'cloudrun2-urlhost.fortio.svc.cluster.local' }, weight: 75 },
          ],
        },
      ],
    });
  });

  test("the in-cluster fortio sample, in the mesh with mTLS required", () => {
    const deployment = resource(k8s, 'kubernetes_deployment_v1', 'fortio_deployment') as {
      metadata: Attrs;
      spec: { template: { metadata: Attrs; spec: { container: Attrs[] } } };
    };
    expect(deployment.metadata).toMatchObject({ name: 'fortio', namespace: 'fortio' });
    expect(deployment.spec.template.metadata).toEqual({
      labels: { app: 'fortio', version: 'v1', 'istio.io/rev': 'asm-managed' },
      annotations: { 'sidecar.istio.io/proxyCPU': '10m' },
    });
    expect(deployment.spec.template.spec.container[0]).toMatchObject({
      image: 'docker.io/fortio/fortio:1.69.4',
      image_pull_policy: 'Always',
      args: ['server'],
      port: [{ name: 'http', container_port: 8080 }, { name: 'grpc', container_port: 8081 }, { container_port: 8079 }],
      resources: { requests: { cpu: '10m', memory: '512Mi' }, limits: { cpu: '2', memory: '1G' } },
    });
    expect(resource(k8s, 'kubernetes_service_v1', 'fortio_service').spec).toEqual({
      selector: { app: 'fortio' },
      port: [{ name: 'http-echo', port: 8080 }],
    });
    expect(manifestOf(k8s, 'fortio_destination').spec).toEqual({ host: 'fortio', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(manifestOf(k8s, 'fortio_peer-authentication').spec).toEqual({
      selector: { matchLabels: { app: 'fortio' } },
      mtls: { mode: 'STRICT' },
    });
  });

  test('every Istio object passes its model schema, read back from the output', () => {
    const models: Record<string, new (data: never) => { validate(): void }> = {
      VirtualService,
      DestinationRule,
      Gateway,
      ServiceEntry,
      WorkloadEntry,
      WorkloadGroup,
      Sidecar,
      PeerAuthentication,
    };
    const manifests = [k8s, routes].flatMap((json) => Object.keys(resourcesOf(json, 'kubernetes_manifest')).map((name) => [json, name] as const));
    expect(manifests).toHaveLength(19);
    for (const [json, name] of manifests) {
      const object = manifestOf(json, name);
      const Model = models[object.kind as string];
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  const withUpstream = fs.existsSync(path.join(REFERENCE_CRDS, 'istio-sidecars.yaml')) ? test : test.skip;
  withUpstream('the API server would keep every field (upstream Istio CRDs)', () => {
    const files: Record<string, string> = {
      VirtualService: 'istio-virtualservices.yaml',
      DestinationRule: 'istio-destinationrules.yaml',
      Gateway: 'istio-gateways.yaml',
      ServiceEntry: 'istio-serviceentries.yaml',
      WorkloadEntry: 'istio-workloadentries.yaml',
      WorkloadGroup: 'istio-workloadgroups.yaml',
      Sidecar: 'istio-sidecars.yaml',
      PeerAuthentication: 'istio-peerauthentications.yaml',
    };
    for (const [json, name] of [k8s, routes].flatMap((j) => Object.keys(resourcesOf(j, 'kubernetes_manifest')).map((n) => [j, n] as const))) {
      const object = manifestOf(json, name);
      const version = (object.apiVersion as string).split('/')[1];
      expect({ name, pruned: prunedFields(object, crdSchema(files[object.kind as string], version)) }).toEqual({ name, pruned: [] });
    }
  });
});

describe('cloudrun-mesh variants', () => {
  test('a namespace other than fortio: every host follows it (the template hard-codes fortio)', () => {
    const built = mesh({ workloads: [workload({ namespace: 'shop' })], routes: [] });
    const k8s = built.json('cloudrun-mesh-k8s');
    const routes = built.json('cloudrun-mesh-routes');
    const host = 'cloudrun-urlhost.shop.svc.cluster.local';
    expect(manifestOf(routes, 'mesh-cloudrun_destination').spec).toMatchObject({ host });
    expect(manifestOf(routes, 'mesh-cloudrun_service-entry').spec).toMatchObject({ hosts: [host] });
    expect(JSON.stringify(resourcesOf(routes, 'kubernetes_manifest'))).not.toMatch(/urlhost\.fortio|\.fortio\.svc\.cluster/);
    expect(resource(built.json('cloudrun-mesh'), 'google_service_account', 'k8s-shop')).toMatchObject({ account_id: 'k8s-shop' });
    // fortio still gets its namespace for the sample, without a Google account.
    expect(Object.keys(resourcesOf(k8s, 'kubernetes_namespace_v1')).sort()).toEqual(['namespace-fortio', 'namespace-shop']);
    expect(Object.keys(resourcesOf(k8s, 'kubernetes_role_v1'))).not.toContain('namespace-fortio_google-account_role');
  });

  test('unauthenticated access and public ingress only with waivers, which the baseline reports', () => {
    const open = { workloads: [workload({ allowUnauthenticated: true, ingress: 'all' })], routes: [] };
    const built = mesh(open);
    const services = built.json('cloudrun-mesh-services');
    expect(invokers(services, 'cloudrun')).toContain('allUsers');
    expect(runService(services, 'cloudrun').ingress).toBe('INGRESS_TRAFFIC_ALL');
    expect(built.baseline.violations.map((v) => `${v.ruleId} ${v.address}`).sort()).toEqual([
      'RUN-INGRESS-INTERNAL google_cloud_run_v2_service.services_cloudrun',
      'RUN-PUBLIC-INVOKER google_cloud_run_v2_service_iam_member.services_cloudrun_invoker-all-users',
    ]);
    const waived = mesh(open, [
      { rule: 'RUN-PUBLIC-INVOKER', stack: 'cloudrun-mesh-services', reason: 'ssh debugging through hbone needs it (seed 001)' },
      { rule: 'RUN-INGRESS-INTERNAL', stack: 'cloudrun-mesh-services', reason: 'ssh debugging from outside the VPC (seed 001)' },
    ]);
    expect(waived.baseline.violations).toEqual([]);
  });

  test('SSH_AUTH comes from Secret Manager, readable by the service account on that secret only', () => {
    const built = mesh({ workloads: [workload({ sshAuthorizedKeySecret: 'fortio-ssh-key' })], routes: [] });
    const infra = built.json('cloudrun-mesh');
    const services = built.json('cloudrun-mesh-services');
    expect(envOf(runService(services, 'cloudrun')).SSH_AUTH).toEqual({ secret_key_ref: { secret: 'fortio-ssh-key', version: 'latest' } });
    expect(Object.values(resourcesOf(services, 'google_secret_manager_secret_iam_member'))).toEqual([
      expect.objectContaining({
        secret_id: 'fortio-ssh-key',
        role: 'roles/secretmanager.secretAccessor',
        member: `serviceAccount:${GSA}`,
      }),
    ]);
    expect(resource(infra, 'google_project_service', 'project_secretmanager')).toMatchObject({ service: 'secretmanager.googleapis.com' });
  });

  test('WORKLOAD_NAMESPACE and WORKLOAD_NAME are set only where the launcher would derive something else', () => {
    const longNamespace = 'payments-settlement-reconciliation';
    const built = mesh({
      workloads: [workload({ namespace: longNamespace }), workload({ name: 'v2--checkout', namespace: 'shop' })],
      routes: [],
    });
    const services = built.json('cloudrun-mesh-services');
    const accountId = namespaceAccountId(longNamespace);
    // Not k8s-: the launcher would take the shortened id as the namespace and never read WORKLOAD_NAMESPACE.
    expect(accountId).toMatch(/^mesh-payments-settlemen-[0-9a-f]{6}$/);
    expect(accountId.length).toBeLessThanOrEqual(30);
    expect(launcherDefaults(`${accountId}@p.iam.gserviceaccount.com`, 'cloudrun').namespace).toBe('default');
    expect(envOf(runService(services, 'cloudrun'))).toEqual({
      CLUSTER_NAME: 'asm-cr',
      CLUSTER_LOCATION: 'us-central1-c',
      WORKLOAD_NAMESPACE: longNamespace,
    });
    expect(envOf(runService(services, 'v2--checkout'))).toEqual({
      CLUSTER_NAME: 'asm-cr',
      CLUSTER_LOCATION: 'us-central1-c',
      WORKLOAD_NAME: 'v2--checkout',
    });
    expect(launcherDefaults('k8s-shop@p.iam.gserviceaccount.com', 'v2--checkout')).toEqual({ namespace: 'shop', name: 'checkout' });
    expect(launcherDefaults('runner@p.iam.gserviceaccount.com', 'api')).toEqual({ namespace: 'default', name: 'api' });
  });

  test('a preinstalled gateway: no gate objects, no reserved address; the WorkloadEntries still use its address', () => {
    const built = mesh({ gateway: { install: false, internalAddress: '10.128.0.60' } });
    const infra = built.json('cloudrun-mesh');
    const k8s = built.json('cloudrun-mesh-k8s');
    expect(resourcesOf(infra, 'google_compute_address')).toEqual({});
    expect(resourcesOf(k8s, 'kubernetes_deployment_v1')).not.toHaveProperty('gateway_deployment');
    expect(Object.keys(resourcesOf(k8s, 'kubernetes_cluster_role_v1'))).toEqual([]);
    // The launchers still need to read mesh-env, whoever installed the gate.
    expect(resourcesOf(k8s, 'kubernetes_role_binding_v1')).toHaveProperty('mesh-settings_binding');
    expect(manifestOf(built.json('cloudrun-mesh-routes'), 'mesh-cloudrun_workload-entry').spec).toMatchObject({ address: '10.128.0.60' });
  });

  test('no public gateway: the gate is given the internal address as MCON_ADDR instead of waiting for hgate forever', () => {
    const built = mesh({ gateway: { ...example.gateway, external: false }, fortio: { install: false } });
    const k8s = built.json('cloudrun-mesh-k8s');
    expect(Object.keys(resourcesOf(k8s, 'kubernetes_service_v1'))).not.toContain('gateway_external');
    expect(Object.keys(resourcesOf(k8s, 'kubernetes_deployment_v1'))).toEqual(['gateway_deployment']);
    // Created with this key, then the gate's: it adds the others, and a plan that removed them would fail after apply.
    expect(resource(k8s, 'kubernetes_config_map_v1', 'gateway_mesh-env')).toMatchObject({
      metadata: { name: 'mesh-env', namespace: 'istio-system', labels: { 'app.kubernetes.io/part-of': 'cloudrun-mesh' } },
      data: { MCON_ADDR: '10.128.0.50' },
      lifecycle: { ignore_changes: ['data'] },
    });
    expect(resource(k8s, 'kubernetes_deployment_v1', 'gateway_deployment').depends_on).toContain('kubernetes_config_map_v1.gateway_mesh-env');
    expect((k8s.output as Record<string, { value: string }>).gateway_addresses_command.value).toBe(
      'kubectl get service internal-hgate --namespace istio-system --output wide',
    );
    // With the public gateway, mesh-env is the gate's alone.
    expect(Object.keys(resourcesOf(mesh().json('cloudrun-mesh-k8s'), 'kubernetes_config_map_v1'))).toEqual([]);
  });
});
