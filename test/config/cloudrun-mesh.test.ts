import { parseConfig } from '../../lib/config/load';
import { configWarnings } from '../../lib/config/schema';
import { configProblems } from '../support/config';

const BASE = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
cloudrunMesh:
  cluster:
    name: asm-cr
    location: us-central1-c
  gateway:
    image: registry.example.com/krun/gate:85cf58f
    internalAddress: 10.128.0.50
  workloads:
    - name: cloudrun
      namespace: fortio
      image: registry.example.com/krun/fortio-mesh:85cf58f
`;

/** BASE with one line replaced (the first occurrence of `from`). */
const changed = (from: string, to: string) => {
  if (!BASE.includes(from)) throw new Error(`BASE has no ${from}`);
  return BASE.replace(from, to);
};

const SECOND_WORKLOAD = `    - name: cloudrun2
      namespace: fortio
      image: registry.example.com/krun/fortio-mesh:85cf58f
`;

/** BASE with a second workload and a route over both with these weights. */
const routed = (weights: [number, number], extra = '') =>
  BASE +
  SECOND_WORKLOAD +
  `  routes:
    - name: myservice
      namespace: fortio
      backends:
        - { workload: cloudrun, weight: ${weights[0]} }
        - { workload: ${extra || 'cloudrun2'}, weight: ${weights[1]} }
`;

describe('cloudrunMesh config', () => {
  test("the defaults follow the seed: serverlesscon, the Makefile's sizing, internal ingress, no public invoker", () => {
    const { cloudrunMesh } = parseConfig(BASE).config;
    expect(cloudrunMesh).toMatchObject({
      enabled: true,
      cluster: { name: 'asm-cr', location: 'us-central1-c', network: 'default', subnetwork: 'default' },
      istioRevision: 'asm-managed',
      connector: { name: 'serverlesscon', ipCidrRange: '10.8.0.0/28', minInstances: 2, maxInstances: 10, machineType: 'e2-micro' },
      gateway: { install: true, external: true },
      routes: [],
      fortio: { install: true, namespace: 'fortio', image: 'docker.io/fortio/fortio:1.69.4' },
      deletionProtection: false,
    });
    expect(cloudrunMesh!.workloads[0]).toEqual({
      name: 'cloudrun',
      namespace: 'fortio',
      image: 'registry.example.com/krun/fortio-mesh:85cf58f',
      concurrency: 10,
      timeoutSeconds: 900,
      cpu: '1',
      memory: '1G',
      minInstances: 1,
      ingress: 'internal',
      allowUnauthenticated: false,
    });
    expect(parseConfig(BASE.replace(/cloudrunMesh:[\s\S]*$/, '')).config.cloudrunMesh).toBeUndefined();
  });

  test('weights of a route add up to 100, and name workloads', () => {
    expect(configProblems(routed([25, 75]))).toEqual([]);
    expect(configProblems(routed([25, 70]))).toEqual([
      'cloudrunMesh.routes.0.backends: weights must add up to 100 (they add up to 95) (got [25,70])',
    ]);
    expect(configProblems(routed([25, 75], 'checkout'))).toEqual([
      'cloudrunMesh.routes.0.backends.1.workload: must name a workload (cloudrun, cloudrun2) (got "checkout")',
    ]);
    expect(configProblems(routed([25, 175]))).toEqual([
      'cloudrunMesh.routes.0.backends.1.weight: must be at most 100 (got 175)',
      'cloudrunMesh.routes.0.backends: weights must add up to 100 (they add up to 200) (got [25,175])',
    ]);
  });

  test('a route may not take a workload’s name in its namespace', () => {
    const text = routed([25, 75]).replace('- name: myservice', '- name: cloudrun');
    expect(configProblems(text)).toEqual([
      "cloudrunMesh.routes.0.name: is a workload's name in namespace fortio; pick another (got \"cloudrun\")",
    ]);
  });

  test.each([
    ['Fortio', 'must be a DNS-1123 label: lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
    ['fortio-', 'must be a DNS-1123 label: lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
    ['istio-system', 'must be a namespace of its own, not one of default, istio-system, kube-system, kube-public, kube-node-lease'],
    ['default', 'must be a namespace of its own, not one of default, istio-system, kube-system, kube-public, kube-node-lease'],
  ])('namespace %s is refused', (namespace, message) => {
    expect(configProblems(changed('      namespace: fortio', `      namespace: ${namespace}`))).toEqual([
      `cloudrunMesh.workloads.0.namespace: ${message} (got "${namespace}")`,
    ]);
  });

  test.each([
    ['Cloudrun', 'must be a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'],
    ['1st', 'must be a Cloud Run service name: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'],
    ['a'.repeat(50), 'must be at most 49 characters (a Cloud Run service name)'],
  ])('service name %s is refused', (name, message) => {
    expect(configProblems(changed('    - name: cloudrun', `    - name: ${name}`))).toEqual([
      `cloudrunMesh.workloads.0.name: ${message} (got "${name}")`,
    ]);
  });

  test('service names are unique: Cloud Run names a service per region', () => {
    expect(configProblems(BASE + SECOND_WORKLOAD.replace('cloudrun2', 'cloudrun'))).toEqual([
      'cloudrunMesh.workloads.1.name: repeats workloads[0]: Cloud Run service names are unique per region (got "cloudrun")',
    ]);
  });

  test.each([
    ['10.8.0.0/27', 'must be a /28: Serverless VPC Access takes exactly 16 addresses'],
    ['10.8.0.8/28', 'must be an IPv4 CIDR such as 10.0.0.0/24, with no host bits set'],
    ['100.64.0.0/28', 'must be a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)'],
  ])('connector range %s is refused', (range, message) => {
    const text = BASE + `  connector:\n    ipCidrRange: ${range}\n`;
    expect(configProblems(text)).toEqual([`cloudrunMesh.connector.ipCidrRange: ${message} (got "${range}")`]);
  });

  test.each([
    ['10.128.0.256', 'must be an IPv4 address such as 10.128.0.50'],
    ['gateway.internal', 'must be an IPv4 address such as 10.128.0.50'],
    ['34.120.1.1', 'must be a private address (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)'],
    ['10.8.0.5', "must lie outside the connector's range 10.8.0.0/28"],
  ])('internal gateway address %s is refused', (address, message) => {
    expect(configProblems(changed('internalAddress: 10.128.0.50', `internalAddress: ${address}`))).toEqual([
      `cloudrunMesh.gateway.internalAddress: ${message} (got "${address}")`,
    ]);
  });

  test('the gate image is required when the gateway is installed, and pinned', () => {
    const withoutImage = changed('    image: registry.example.com/krun/gate:85cf58f\n', '');
    expect(configProblems(withoutImage)).toEqual([
      'cloudrunMesh.gateway.image: is required with install: the krun gate image (cmd/gate), pinned',
    ]);
    expect(configProblems(withoutImage.replace('  gateway:\n', '  gateway:\n    install: false\n'))).toEqual([]);
    expect(configProblems(changed('gate:85cf58f', 'gate:latest'))).toEqual([
      'cloudrunMesh.gateway.image: must not use the moving tag latest (got "registry.example.com/krun/gate:latest")',
    ]);
  });

  test('no public gateway only on managed Cloud Service Mesh, whose launchers need no istiod address from hgate', () => {
    const internalOnly = changed('    internalAddress: 10.128.0.50\n', '    internalAddress: 10.128.0.50\n    external: false\n');
    expect(configProblems(internalOnly)).toEqual([]);
    expect(configProblems(internalOnly + '  istioRevision: asm-1-22\n')).toEqual([
      'cloudrunMesh.gateway.external: needs managed Cloud Service Mesh (istioRevision asm-managed, asm-managed-rapid or ' +
        'asm-managed-stable; it is asm-1-22): with in-cluster Istio the launchers reach istiod through the public hgate (got false)',
    ]);
    expect(configProblems(BASE + '  istioRevision: asm-1-22\n')).toEqual([]);
  });

  test('the cluster, gateway address and workloads are required', () => {
    const text = 'projectId: my-project-123\nregion: us-central1\nenvironment: dev\nstateBucket: my-project-123-tfstate\ncloudrunMesh: {}\n';
    expect(configProblems(text)).toEqual([
      'cloudrunMesh.cluster: is required',
      'cloudrunMesh.gateway: is required',
      'cloudrunMesh.workloads: is required',
    ]);
  });

  test('sizing within what Cloud Run offers', () => {
    expect(configProblems(changed('      namespace: fortio\n', '      namespace: fortio\n      cpu: "3"\n      minInstances: 5\n      maxInstances: 2\n'))).toEqual([
      'cloudrunMesh.workloads.0.cpu: must be one of: 1, 2, 4, 8 (got "3")',
      'cloudrunMesh.workloads.0.minInstances: must not exceed maxInstances 2 (got 5)',
    ]);
    expect(configProblems(changed('      namespace: fortio\n', '      namespace: fortio\n      minInstances: 5\n      maxInstances: 2\n'))).toEqual([
      'cloudrunMesh.workloads.0.minInstances: must not exceed maxInstances 2 (got 5)',
    ]);
  });

  test('a public gateway open to any address is a warning', () => {
    expect(configWarnings(parseConfig(BASE).config)).toEqual([
      'cloudrunMesh.gateway.externalSourceRanges: unset, so anyone on the internet reaches the public hgate load balancer (istiod and the SNI ports, behind mTLS); list your office or VPN ranges, or set external: false',
    ]);
    const narrowed = changed('    internalAddress: 10.128.0.50\n', '    internalAddress: 10.128.0.50\n    externalSourceRanges: [198.51.100.0/24]\n');
    expect(configWarnings(parseConfig(narrowed).config)).toEqual([]);
  });
});
