import * as fs from 'node:fs';
import * as path from 'node:path';
import { Service } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { DomainMapping } from '@kubernetes-models/knative/serving.knative.dev/v1beta1/DomainMapping';
import { ClusterDomainClaim } from '@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/ClusterDomainClaim';
import { KnativeServing } from '@kubernetes-models/knative/operator.knative.dev/v1beta1/KnativeServing';
import { parse } from 'yaml';
import type { Waiver } from '../../lib/config/global';
import { buildApp, buildVariant, exampleConfig, manifestOf, onlyResource, resourcesOf, TerraformJson } from '../support/app';
import { describeGkeBaseline } from '../support/gke-baseline';
import { crdSchema, prunedFields, REFERENCE_CRDS } from '../support/crd';

const PROJECT = 'example-project-123';
const GSA = `connector@${PROJECT}.iam.gserviceaccount.com`;

/** Both stacks built and synthesized (the baseline reports its findings during synthesis). */
function connector(overrides: Record<string, unknown> = {}, waivers: Waiver[] = []) {
  return buildVariant('ilpConnector', overrides, waivers, ['ilp-connector', 'ilp-connector-app']);
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  command?: string[];
  ports?: { containerPort: number }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  startupProbe?: unknown;
  securityContext?: Record<string, unknown>;
  resources?: unknown;
  volumeMounts?: { name: string; mountPath: string }[];
}

function revision(ksvc: Record<string, unknown>) {
  const template = (ksvc.spec as { template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> } })
    .template;
  return { annotations: template.metadata.annotations, spec: template.spec, containers: template.spec.containers as Container[] };
}

function envOf(container: Container): Record<string, unknown> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

/** Variables that carry a credential. */
const SECRET_ENV = /password|encoded_key|^REDIS_AUTH$/i;

describe('ilp-connector (seed 000)', () => {
  const built = connector();
  const infra = built.json('ilp-connector');
  const app = built.json('ilp-connector-app');

  test('snapshots', () => {
    expect(infra).toMatchSnapshot('ilp-connector');
    expect(app).toMatchSnapshot('ilp-connector-app');
  });

  test('no finding of the security baseline', () => {
    expect(built.baseline.violations.filter((v) => v.stack.startsWith('ilp-connector'))).toEqual([]);
  });

  test("Cloud SQL: the seed's instance, private IP only, max_connections=500, pgAudit, database and user connector", () => {
    const sql = onlyResource(infra, 'google_sql_database_instance');
    expect(sql).toMatchObject({
      name: 'connector',
      database_version: 'POSTGRES_17',
      settings: { tier: 'db-custom-1-4096', ip_configuration: { ipv4_enabled: false } },
    });
    const flags = (sql.settings as { database_flags: { name: string; value: string }[] }).database_flags;
    expect(flags).toContainEqual({ name: 'max_connections', value: '500' });
    // The log flags are the baseline's to check (no finding of the security baseline); pgAudit's log class is not.
    expect(flags).toEqual(
      expect.arrayContaining([
        { name: 'cloudsql.enable_pgaudit', value: 'on' },
        { name: 'pgaudit.log', value: 'ddl,role' },
      ]),
    );
    expect(onlyResource(infra, 'google_sql_database')).toMatchObject({ name: 'connector' });
    const user = onlyResource(infra, 'google_sql_user');
    expect(user).toMatchObject({ name: 'connector', password: '${random_password.database-password_value.result}' });
    expect(resourcesOf(infra, 'google_secret_manager_secret')['database-password']).toMatchObject({
      secret_id: 'connector-connector-password',
    });
  });

  test('Memorystore: 1 GB basic, current version, private services access, AUTH and TLS', () => {
    expect(onlyResource(infra, 'google_redis_instance')).toMatchObject({
      name: 'connector',
      tier: 'BASIC',
      memory_size_gb: 1,
      redis_version: 'REDIS_7_2',
      connect_mode: 'PRIVATE_SERVICE_ACCESS',
      authorized_network: '${google_compute_network.network.id}',
      auth_enabled: true,
      transit_encryption_mode: 'SERVER_AUTHENTICATION',
      depends_on: ['google_service_networking_connection.private-services', 'google_project_service.project_redis'],
    });
  });

  test('KMS: key ring connector in global, key secret0 for encryption, rotating, protected', () => {
    expect(onlyResource(infra, 'google_kms_key_ring')).toMatchObject({ name: 'connector', location: 'global' });
    expect(onlyResource(infra, 'google_kms_crypto_key')).toMatchObject({
      name: 'secret0',
      purpose: 'ENCRYPT_DECRYPT',
      rotation_period: '7776000s',
      lifecycle: { prevent_destroy: true },
    });
  });

  test('service account connector: encrypter/decrypter on that key only, Cloud SQL client, Workload Identity', () => {
    expect(resourcesOf(infra, 'google_service_account').connector).toMatchObject({ account_id: 'connector' });
    expect(onlyResource(infra, 'google_kms_crypto_key_iam_member')).toMatchObject({
      crypto_key_id: '${google_kms_crypto_key.kms.id}',
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: '${google_service_account.connector.member}',
    });
    const projectRoles = Object.values(resourcesOf(infra, 'google_project_iam_member'))
      .filter((b) => b.member === '${google_service_account.connector.member}')
      .map((b) => b.role);
    expect(projectRoles).toEqual(['roles/cloudsql.client']);
    expect(resourcesOf(infra, 'google_service_account_iam_member')['connector_workload-identity']).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${PROJECT}.svc.id.goog[interledger/connector]`,
    });
  });

  test("GKE: the seed's 2 x e2-highcpu-4, zonal, Workload Identity", () => {
    expect(onlyResource(infra, 'google_container_cluster')).toMatchObject({
      name: 'connector',
      location: 'us-central1-a',
      workload_identity_config: { workload_pool: `${PROJECT}.svc.id.goog` },
    });
    expect(onlyResource(infra, 'google_container_node_pool')).toMatchObject({
      node_count: 2,
      node_config: { machine_type: 'e2-highcpu-4', disk_type: 'pd-standard', workload_metadata_config: { mode: 'GKE_METADATA' } },
    });
    const cluster = onlyResource(infra, 'google_container_cluster');
    expect(JSON.stringify(cluster.addons_config ?? {})).not.toMatch(/cloudrun/);
  });

  describeGkeBaseline('ilp-connector', 'ilpConnector', () => built);

  test("the Knative Service carries every setting of the seed's connector-cloudrun.yaml", () => {
    const ksvc = manifestOf(app, 'connector');
    expect(ksvc).toMatchObject({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'connector' } });
    const { annotations, spec, containers } = revision(ksvc);
    expect(annotations).toEqual({
      'autoscaling.knative.dev/min-scale': '2',
      'autoscaling.knative.dev/max-scale': '2',
      'ilp-connector/settings-sha256': '${local.redis-settings-digest}',
    });
    expect(spec).toMatchObject({ containerConcurrency: 80, timeoutSeconds: 300, serviceAccountName: 'connector' });
    expect(ksvc.spec.traffic).toEqual([{ latestRevision: true, percent: 100 }]);
    const main = containers[0];
    expect(main).toMatchObject({
      name: 'user-container',
      image: 'docker.io/interledger4j/java-ilpv4-connector:0.5.1',
      imagePullPolicy: 'Always',
      ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/manage/health' }, successThreshold: 1 },
      resources: { requests: { cpu: '768m', memory: '768Mi' }, limits: { cpu: '768m', memory: '768Mi' } },
    });
    expect(envOf(main)).toEqual({
      spring_profiles_active: 'migrate,jks,postgres,gcp-kms',
      management_endpoint_health_enabled: 'true',
      redis_host: '127.0.0.1',
      redis_port: '6379',
      redis_password: { secretKeyRef: { name: 'connector-redis', key: 'password' } },
      spring_datasource_url: 'jdbc:postgresql://127.0.0.1:5432/connector',
      spring_datasource_username: 'connector',
      spring_datasource_password: { secretKeyRef: { name: 'connector-credentials', key: 'database-password' } },
      interledger_connector_adminPassword: { secretKeyRef: { name: 'connector-credentials', key: 'admin-password' } },
      interledger_connector_nodeIlpAddress: 'test.example-connector',
      interledger_connector_globalPrefix: 'test',
      interledger_connector_enabledFeatures_require32ByteSharedSecrets: 'false',
      SPRING_CLOUD_GCP_PROJECTID: PROJECT,
      _JAVA_OPTIONS: '-Xmx512m',
      interledger_connector_keystore_gcpkms_locationId: 'global',
      interledger_connector_keystore_gcpkms_keyringId: 'connector',
    });
  });

  test('the readiness probe can pass: /manage/health exists only with the endpoint enabled by its real key', () => {
    // application.yml (v0.5.1) sets management.endpoints.enabled-by-default false, then "management.endpoints.health
    // .enabled", which Spring Boot does not read; its key is management.endpoint.health.enabled.
    const main = revision(manifestOf(app, 'connector')).containers[0];
    expect(main.readinessProbe).toEqual({ httpGet: { path: '/manage/health' }, successThreshold: 1 });
    expect(envOf(main).management_endpoint_health_enabled).toBe('true');
  });

  test('liveness and startup connect to Jetty: no anonymous health path but /manage/health, which a DB blip fails', () => {
    // v0.5.1 SecurityConfiguration.java admits anonymous GETs on /manage, /manage/health and /manage/info only; any
    // other /manage/** path (a health group) answers 401 to the kubelet, and the pod would restart forever.
    const main = revision(manifestOf(app, 'connector')).containers[0];
    expect(Object.keys(envOf(main)).filter((name) => /HEALTH_GROUP/i.test(name))).toEqual([]);
    expect(main.livenessProbe).toEqual({
      tcpSocket: { port: 8080 },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    // Knative points a user-container liveness probe at the serving port itself, but passes a startup probe on as
    // written: Jetty opens 8080 only once Liquibase and Spring are done, up to 5 minutes here.
    expect(main.startupProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 5, failureThreshold: 60 });
  });

  test('each container runs as the UID its image needs, on a read-only root, with no service account token', () => {
    const { containers, spec } = revision(manifestOf(app, 'connector'));
    const restricted = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    // The connector's image sets no USER (root); Jetty and the JVM write only to /tmp, an emptyDir.
    expect(containers[0].securityContext).toEqual({ ...restricted, runAsUser: 65532 });
    expect(containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    // The proxy's image runs as its numeric USER 65532: nothing to add.
    expect(containers[1].securityContext).toEqual(restricted);
    // Envoy runs directly, not through the entrypoint's su-exec, and writes nothing.
    expect(containers[2]).toMatchObject({ command: ['envoy'], securityContext: { ...restricted, runAsUser: 65532 } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect((spec.volumes as unknown[])[0]).toEqual({ name: 'tmp', emptyDir: {} });
  });

  test('the Auth Proxy: private IP, and a health server on 9191 that a startup probe reads', () => {
    const { containers } = revision(manifestOf(app, 'connector'));
    expect(containers.map((c) => c.name)).toEqual(['user-container', 'cloud-sql-proxy', 'redis-tls']);
    expect(containers.filter((c) => c.ports)).toHaveLength(1);
    const proxy = containers[1] as Container & { startupProbe: unknown };
    expect(proxy.args).toEqual([
      '--private-ip',
      '--structured-logs',
      '--port=5432',
      '--health-check',
      '--http-port=9191',
      '--http-address=0.0.0.0',
      `${PROJECT}:us-central1:connector`,
    ]);
    expect(proxy.startupProbe).toEqual({
      httpGet: { path: '/startup', port: 9191 },
      periodSeconds: 1,
      timeoutSeconds: 10,
      failureThreshold: 60,
    });
    // Knative takes no readiness or liveness probe on a sidecar unless multi-container-probing is on.
    expect(proxy).not.toHaveProperty('readinessProbe');
    expect(proxy).not.toHaveProperty('livenessProbe');
  });

  test('Redis: the connector sends AUTH itself, with the AUTH string encrypted by its KMS key', () => {
    expect(onlyResource(app, 'google_kms_secret_ciphertext')).toMatchObject({
      crypto_key: `projects/${PROJECT}/locations/global/keyRings/connector/cryptoKeys/secret0`,
      plaintext: '${data.google_redis_instance.redis.auth_string}',
    });
    expect(resourcesOf(app, 'kubernetes_secret_v1')['redis-secret'].data).toEqual({
      password:
        'enc:gcpkms:connector:secret0:1:gs:${replace(replace(google_kms_secret_ciphertext.redis-password.ciphertext, "+", "-"), "/", "_")}',
      'ca.pem': expect.stringContaining('data.google_redis_instance.redis.server_ca_certs'),
    });
    // The form EncryptedSecret.fromEncodedValue splits on ':': enc, platform, key ring, key, version, algorithm, data.
    const fields = (resourcesOf(app, 'kubernetes_secret_v1')['redis-secret'].data as Record<string, string>).password.split(':');
    expect(fields.slice(0, 6)).toEqual(['enc', 'gcpkms', 'connector', 'secret0', '1', 'gs']);
    expect(fields).toHaveLength(7);
  });

  test('Redis TLS: an Envoy TCP tunnel that relays every command, pub/sub included, to port 6378', () => {
    const { containers, spec } = revision(manifestOf(app, 'connector'));
    expect(containers[2]).toMatchObject({
      image: 'docker.io/envoyproxy/envoy:v1.39.0',
      command: ['envoy'],
      args: ['-c', '/etc/redis-tunnel/envoy.yaml', '--log-level', 'warn'],
    });
    expect(containers[2]).not.toHaveProperty('env');
    expect(spec.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'redis-tunnel-config', configMap: { name: 'connector-redis-tunnel' } },
      { name: 'memorystore-ca', secret: { secretName: 'connector-redis', items: [{ key: 'ca.pem', path: 'ca.pem' }] } },
    ]);
    const text = (resourcesOf(app, 'kubernetes_config_map_v1')['redis-tunnel-config'].data as Record<string, string>)['envoy.yaml'];
    // redis_proxy answers request/response commands only: SUBSCRIBE, which the replicas' coordination topic needs, is lost.
    expect(text).not.toContain('redis_proxy');
    const bootstrap = parse(text) as {
      admin?: unknown;
      static_resources: {
        listeners: { address: unknown; filter_chains: { filters: { name: string; typed_config: Record<string, unknown> }[] }[] }[];
        clusters: { load_assignment: unknown; transport_socket: { typed_config: unknown } }[];
      };
    };
    expect(bootstrap.admin).toBeUndefined();
    const [listener] = bootstrap.static_resources.listeners;
    expect(listener.address).toEqual({ socket_address: { address: '127.0.0.1', port_value: 6379 } });
    expect(listener.filter_chains[0].filters).toEqual([
      {
        name: 'envoy.filters.network.tcp_proxy',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
          stat_prefix: 'memorystore',
          cluster: 'memorystore',
          idle_timeout: '0s',
        },
      },
    ]);
    const [cluster] = bootstrap.static_resources.clusters;
    expect(JSON.stringify(cluster.load_assignment)).toContain('{"address":"${data.google_redis_instance.redis.host}","port_value":6378}');
    expect(cluster.transport_socket.typed_config).toMatchObject({
      common_tls_context: { validation_context: { trusted_ca: { filename: '/etc/memorystore/ca.pem' } } },
    });
  });

  test('the Kubernetes service account is bound to connector by Workload Identity', () => {
    expect(onlyResource(app, 'kubernetes_service_account_v1')).toMatchObject({
      metadata: { name: 'connector', namespace: 'interledger', annotations: { 'iam.gke.io/gcp-service-account': GSA } },
    });
  });

  test('no plaintext secret: passwords and keys reach the pod only through Kubernetes Secrets', () => {
    for (const container of revision(manifestOf(app, 'connector')).containers) {
      for (const variable of container.env ?? []) {
        if (SECRET_ENV.test(variable.name)) expect({ [variable.name]: variable.value }).toEqual({ [variable.name]: undefined });
      }
    }
    // Every secret value is an expression resolved at apply (generated or read), never a literal in the output.
    const literal = (value: unknown) => typeof value === 'string' && !value.includes('${');
    for (const secret of Object.values(resourcesOf(app, 'kubernetes_secret_v1'))) {
      expect(Object.values(secret.data as Record<string, string>).filter(literal)).toEqual([]);
    }
    for (const json of [infra, app]) {
      for (const version of Object.values(resourcesOf(json, 'google_secret_manager_secret_version'))) {
        expect(version.secret_data).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
      }
      expect(JSON.stringify(json)).not.toMatch(/"(password|auth_string|secret_data|plaintext)":\s*"(?!\$\{|enc:gcpkms:[^"]*\$\{)/);
    }
  });

  test('Knative Serving through the operator: pinned chart and release, Kourier, TLS by cert-manager', () => {
    const releases = resourcesOf(app, 'helm_release');
    expect(releases.knative_operator).toMatchObject({
      chart: 'knative-operator',
      repository: 'https://knative.github.io/operator',
      version: 'v1.18.0',
    });
    expect(releases['knative_cert-manager']).toMatchObject({ chart: 'cert-manager', version: 'v1.17.2' });
    expect(manifestOf(app, 'knative_serving')).toEqual({
      apiVersion: 'operator.knative.dev/v1beta1',
      kind: 'KnativeServing',
      metadata: { name: 'knative-serving', namespace: 'knative-serving' },
      spec: {
        version: '1.18.0',
        ingress: { kourier: { enabled: true, 'service-load-balancer-ip': '${data.google_compute_address.ingress-address.address}' } },
        config: {
          network: {
            'ingress-class': 'kourier.ingress.networking.knative.dev',
            'external-domain-tls': 'Enabled',
          },
          certmanager: { issuerRef: '{kind: ClusterIssuer, name: letsencrypt}' },
        },
      },
    });
    expect(manifestOf(app, 'knative_issuer')).toMatchObject({
      kind: 'ClusterIssuer',
      spec: { acme: { email: 'platform-team@example.com', solvers: [{ http01: { ingress: { class: 'kourier.ingress.networking.knative.dev' } } }] } },
    });
  });

  test('custom resources wait for their CRDs: the stack plans on a cluster without Knative', () => {
    const manifests = resourcesOf(app, 'kubernetes_manifest');
    const gates = Object.fromEntries(Object.entries(manifests).map(([name, m]) => [name, m.count]));
    expect(gates).toEqual({
      knative_issuer: '${(length(data.kubernetes_resources.knative_issuer-crd_crd.objects) >= 1) ? 1 : 0}',
      knative_serving: '${(length(data.kubernetes_resources.knative_serving-crd_crd.objects) >= 1) ? 1 : 0}',
      connector: '${(length(data.kubernetes_resources.service-crd_crd.objects) >= 1) ? 1 : 0}',
      'domain-claim': '${(length(data.kubernetes_resources.domain-claim-crd_crd.objects) >= 1) ? 1 : 0}',
      'domain-mapping': '${(length(data.kubernetes_resources.domain-mapping-crd_crd.objects) >= 1) ? 1 : 0}',
    });
    const crds = Object.values(resourcesOf({ resource: app.data } as TerraformJson, 'kubernetes_resources')).map(
      (d) => d.field_selector,
    );
    expect(crds.sort()).toEqual([
      'metadata.name=clusterdomainclaims.networking.internal.knative.dev',
      'metadata.name=clusterissuers.cert-manager.io',
      'metadata.name=domainmappings.serving.knative.dev',
      'metadata.name=knativeservings.operator.knative.dev',
      'metadata.name=services.serving.knative.dev',
    ]);
  });

  test('the custom domain: claimed for the namespace, mapped to the connector, and apply waits until it serves', () => {
    // Knative 1.18 creates no claim itself (autocreate-cluster-domain-claims defaults to false) and leaves the mapping
    // DomainClaimNotOwned without one (pkg/reconciler/domainmapping/reconciler.go).
    expect(manifestOf(app, 'domain-claim')).toEqual({
      apiVersion: 'networking.internal.knative.dev/v1alpha1',
      kind: 'ClusterDomainClaim',
      metadata: { name: 'connector.example.com' },
      spec: { namespace: 'interledger' },
    });
    expect(manifestOf(app, 'domain-mapping')).toEqual({
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: 'connector.example.com', namespace: 'interledger' },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'connector' } },
    });
    const mapping = resourcesOf(app, 'kubernetes_manifest')['domain-mapping'];
    // With http-protocol Enabled, Ready turns True on HTTP before the certificate; the URL turns https with it.
    expect(mapping).toMatchObject({
      depends_on: ['kubernetes_manifest.connector', 'kubernetes_manifest.domain-claim'],
      wait: { fields: { 'status.url': '^https://' } },
      timeouts: { create: '20m', update: '20m' },
    });
    expect(resourcesOf(app, 'kubernetes_manifest').connector.wait).toEqual({ condition: [{ type: 'Ready', status: 'True' }] });
    expect(manifestOf(app, 'connector').metadata).toMatchObject({
      annotations: { 'networking.knative.dev/disable-external-domain-tls': 'true' },
    });
    expect((app.output as Record<string, { value: string }>).url.value).toBe('https://connector.example.com/');
  });

  test('HTTP redirects to HTTPS only once the certificate is issued: a redirected ACME challenge never passes', () => {
    // Kourier redirects every path of a redirected host, the challenge included, to an HTTPS listener that exists only
    // once some certificate does (knative/serving#12527): no global http-protocol Redirected.
    expect(JSON.stringify(manifestOf(app, 'knative_serving'))).not.toMatch(/http-protocol|http-redirect/i);
    expect(resourcesOf(app, 'kubernetes_annotations')['domain-https-redirect']).toMatchObject({
      api_version: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: 'connector.example.com', namespace: 'interledger' },
      annotations: { 'networking.knative.dev/http-protocol': 'redirected' },
      count: '${(length(data.kubernetes_resources.domain-mapping-crd_crd.objects) >= 1) ? 1 : 0}',
      depends_on: ['kubernetes_manifest.domain-mapping'],
    });
  });

  test('a new revision when Redis settings change: the pods read them only at start', () => {
    expect(app.locals?.['redis-settings-digest']).toBe(
      '${nonsensitive(sha256(join("\\n", [data.google_redis_instance.redis.host, data.google_redis_instance.redis.auth_string, ' +
        'join("\\n", [ for key, val in { for key, val in data.google_redis_instance.redis.server_ca_certs: val.serial_number => val }: val.cert])])))}',
    );
  });

  test("the ingress address is reserved in ilp-connector, so DNS is set before Kourier exists, and Kourier takes it", () => {
    expect(onlyResource(infra, 'google_compute_address')).toMatchObject({
      name: 'connector-ingress',
      region: 'us-central1',
      address_type: 'EXTERNAL',
      network_tier: 'PREMIUM',
    });
    expect((infra.output as Record<string, { value: string }>).ingress_address.value).toBe(
      '${google_compute_address.ingress-address.address}',
    );
    expect((app.data as Record<string, Record<string, unknown>>).google_compute_address['ingress-address']).toMatchObject({
      name: 'connector-ingress',
      region: 'us-central1',
    });
    expect(app.output).not.toHaveProperty('ingress_address_command');
  });

  test('the Knative objects pass their schemas', () => {
    expect(() => new Service(manifestOf(app, 'connector') as never).validate()).not.toThrow();
    expect(() => new DomainMapping(manifestOf(app, 'domain-mapping') as never).validate()).not.toThrow();
    expect(() => new ClusterDomainClaim(manifestOf(app, 'domain-claim') as never).validate()).not.toThrow();
    expect(() => new KnativeServing(manifestOf(app, 'knative_serving') as never).validate()).not.toThrow();
  });

  const withUpstream = fs.existsSync(path.join(REFERENCE_CRDS, 'knative-serving-service.yaml')) ? test : test.skip;
  withUpstream('the API server would keep every field (no field pruned by the upstream CRDs)', () => {
    expect(prunedFields(manifestOf(app, 'connector'), crdSchema('knative-serving-service.yaml', 'v1'))).toEqual([]);
    expect(prunedFields(manifestOf(app, 'domain-mapping'), crdSchema('knative-serving-domain-mapping.yaml', 'v1beta1'))).toEqual(
      [],
    );
    // The check itself: a misplaced field is reported.
    expect(prunedFields({ spec: { template: { spec: { concurrency: 80 } } } }, crdSchema('knative-serving-service.yaml', 'v1'))).toEqual([
      '.spec.template.spec.concurrency',
    ]);
  });
});

describe('ilp-connector variants', () => {
  test("the seed's plain Redis needs waivers; the connector then talks to Memorystore directly", () => {
    const plain = { redis: { authEnabled: false, transitEncryption: false } };
    const refused = connector(plain);
    expect(refused.baseline.violations.map((v) => `${v.ruleId} ${v.address}`).sort()).toEqual([
      'CKV_GCP_95 google_redis_instance.redis',
      'CKV_GCP_97 google_redis_instance.redis',
    ]);
    const reason = "seed 000's plain Redis, for a lab without secrets";
    const built = connector(plain, [
      { rule: 'CKV_GCP_95', stack: 'ilp-connector', reason },
      { rule: 'CKV_GCP_97', stack: 'ilp-connector', reason },
    ]);
    expect(built.baseline.violations).toEqual([]);
    const app = built.json('ilp-connector-app');
    const { containers } = revision(manifestOf(app, 'connector'));
    expect(containers.map((c) => c.name)).toEqual(['user-container', 'cloud-sql-proxy']);
    expect(envOf(containers[0]).redis_host).toBe('${data.google_redis_instance.redis.host}');
    expect(resourcesOf(app, 'kubernetes_config_map_v1')).toEqual({});
    expect(Object.keys(resourcesOf(app, 'kubernetes_secret_v1'))).toEqual(['credentials']);
  });

  test('AUTH without TLS: no sidecar, the connector sends its encrypted AUTH straight to 6379', () => {
    const app = connector({ redis: { transitEncryption: false } }, [
      { rule: 'CKV_GCP_97', stack: 'ilp-connector', reason: 'test of the AUTH-only path' },
    ]).json('ilp-connector-app');
    const { containers } = revision(manifestOf(app, 'connector'));
    expect(containers.map((c) => c.name)).toEqual(['user-container', 'cloud-sql-proxy']);
    expect(envOf(containers[0])).toMatchObject({
      redis_host: '${data.google_redis_instance.redis.host}',
      redis_port: '6379',
      redis_password: { secretKeyRef: { name: 'connector-redis', key: 'password' } },
    });
    expect(resourcesOf(app, 'kubernetes_config_map_v1')).toEqual({});
    expect(Object.keys(resourcesOf(app, 'kubernetes_secret_v1')['redis-secret'].data as object)).toEqual(['password']);
  });

  test('TLS without AUTH: the tunnel and the CA, no password and no KMS encryption', () => {
    const app = connector({ redis: { authEnabled: false } }, [
      { rule: 'CKV_GCP_95', stack: 'ilp-connector', reason: 'test of the TLS-only path' },
    ]).json('ilp-connector-app');
    const { containers } = revision(manifestOf(app, 'connector'));
    expect(containers.map((c) => c.name)).toEqual(['user-container', 'cloud-sql-proxy', 'redis-tls']);
    expect(envOf(containers[0])).not.toHaveProperty('redis_password');
    expect(resourcesOf(app, 'google_kms_secret_ciphertext')).toEqual({});
    expect(Object.keys(resourcesOf(app, 'kubernetes_secret_v1')['redis-secret'].data as object)).toEqual(['ca.pem']);
  });

  test('Knative already on the cluster: no operator, no CRD gates, no helm provider', () => {
    const built = connector({ knative: { install: false } });
    const app = built.json('ilp-connector-app');
    expect(resourcesOf(app, 'helm_release')).toEqual({});
    expect(Object.values(resourcesOf(app, 'kubernetes_manifest')).map((m) => m.count)).toEqual([undefined, undefined, undefined]);
    // Their ingress is theirs: no address is reserved for Kourier.
    expect(app.data).not.toHaveProperty('google_compute_address');
    expect(resourcesOf(built.json('ilp-connector'), 'google_compute_address')).toEqual({});
    expect(Object.keys(app.provider as object).sort()).toEqual(['google', 'kubernetes', 'random']);
  });

  test('no domain: no DomainMapping or cert-manager; Services answer under <address>.sslip.io over plain HTTP', () => {
    const config = exampleConfig();
    const section = { ...config.ilpConnector, domain: undefined };
    const built = buildApp({ ...config, ilpConnector: section });
    const app = built.json('ilp-connector-app');
    expect(Object.keys(resourcesOf(app, 'kubernetes_manifest')).sort()).toEqual(['connector', 'knative_serving']);
    expect(Object.keys(resourcesOf(app, 'helm_release'))).toEqual(['knative_operator']);
    // Knative 1.18's default domain is svc.cluster.local, which Kourier's load balancer does not serve.
    const address = '${data.google_compute_address.ingress-address.address}';
    expect(manifestOf(app, 'knative_serving').spec).toMatchObject({
      ingress: { kourier: { enabled: true, 'service-load-balancer-ip': address } },
      config: {
        network: { 'ingress-class': 'kourier.ingress.networking.knative.dev' },
        domain: { [`${address}.sslip.io`]: '' },
      },
    });
    expect((app.output as Record<string, { value: string }>).url.value).toBe(`http://connector.interledger.${address}.sslip.io/`);
    expect(onlyResource(built.json('ilp-connector'), 'google_compute_address')).toMatchObject({ name: 'connector-ingress' });
    expect(manifestOf(app, 'connector').metadata).toEqual({ name: 'connector', namespace: 'interledger' });
  });

  test("the seed's base64 key: only without Workload Identity, with waivers, as a Secret for both containers", () => {
    const overrides = { serviceAccountKey: true, cluster: { ...exampleConfig().ilpConnector.cluster, workloadIdentity: false } };
    const refused = connector(overrides);
    expect([...new Set(refused.baseline.violations.map((v) => v.ruleId))].sort()).toEqual([
      'CKV2_GCP_3',
      'CKV_GCP_69',
      'GKE-WORKLOAD-IDENTITY',
    ]);
    const waive = (rule: string, stack: 'ilp-connector' | 'ilp-connector-app') => ({
      rule,
      stack,
      reason: 'cluster without Workload Identity, as in the seed',
    });
    const built = connector(overrides, [
      waive('CKV2_GCP_3', 'ilp-connector-app'),
      waive('CKV_GCP_69', 'ilp-connector'),
      waive('GKE-WORKLOAD-IDENTITY', 'ilp-connector'),
    ]);
    expect(built.baseline.violations).toEqual([]);
    const app = built.json('ilp-connector-app');
    expect(resourcesOf(built.json('ilp-connector'), 'google_service_account_iam_member')).toEqual({});
    expect(onlyResource(app, 'kubernetes_service_account_v1').metadata).not.toHaveProperty('annotations');
    expect(resourcesOf(app, 'kubernetes_secret_v1')['google-key'].data).toEqual({
      'encoded-key': '${google_service_account_key.connector-key.private_key}',
      'key.json': '${base64decode(google_service_account_key.connector-key.private_key)}',
    });
    const { containers } = revision(manifestOf(app, 'connector'));
    // Upper case: Spring Boot 2.2 binds spring.cloud.gcp.credentials.encoded-key from no lower-case variable.
    expect(envOf(containers[0]).SPRING_CLOUD_GCP_CREDENTIALS_ENCODEDKEY).toEqual({
      secretKeyRef: { name: 'connector-google-key', key: 'encoded-key' },
    });
    expect(containers[1].args).toContain('--credentials-file=/var/secrets/google/key.json');
  });
});
