import { ConfigError, formatProblem } from '../../lib/config/errors';
import { loadConfig, parseConfig } from '../../lib/config/load';
import { EXAMPLE_CONFIG } from '../support/app';

const VALID = `
projectId: my-project-123
region: europe-west1
environment: dev
stateBucket: my-project-123-tfstate
gkePlayground:
  zone: europe-west1-b
`;

/** The problems a config text produces, formatted as synth prints them. */
function problems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(formatProblem);
  }
  throw new Error('expected the config to be rejected');
}

function withPlayground(lines: string): string {
  return `${VALID}${lines
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

describe('config loading', () => {
  test('the example config is valid and fills defaults', () => {
    const { config, warnings } = loadConfig(EXAMPLE_CONFIG);
    // The example cannot know where cdktf and kubectl run (see its CKV_GCP_20 waivers).
    expect(warnings).toEqual([
      expect.stringMatching(/^gkePlayground\.controlPlaneAuthorizedCidrs: unset, so anyone on the internet/),
      expect.stringMatching(/^skypilot\.cluster\.controlPlaneAuthorizedCidrs: unset, so anyone on the internet/),
      expect.stringMatching(/^ilpConnector\.cluster\.controlPlaneAuthorizedCidrs: unset, so anyone on the internet/),
    ]);
    expect(config.gkePlayground).toMatchObject({ zone: 'us-central1-a', nodeCount: 1, machineType: 'e2-medium' });
    expect(config.stateBootstrap).toMatchObject({ enabled: true, backend: 'local', noncurrentVersionsToKeep: 10 });
  });

  test('a minimal config gets every default', () => {
    const { config } = parseConfig(VALID);
    expect(config.labels).toEqual({});
    expect(config.policy.waivers).toEqual([]);
    expect(config.gkePlayground).toMatchObject({
      clusterName: 'cluster-1',
      provisioning: 'spot',
      diskSizeGb: 10,
      diskType: 'pd-standard',
      cloudLogging: false,
      releaseChannel: 'REGULAR',
      network: { nodesCidr: '10.10.0.0/24', podsCidr: '10.20.0.0/16', servicesCidr: '10.30.0.0/20' },
    });
  });

  test('malformed YAML names the line', () => {
    // The line where the flow sequence opened, not where the parser noticed it was never closed.
    expect(problems('projectId: [unclosed\nregion: us-central1\n')).toEqual([
      '(file): invalid YAML at line 1, column 12: the "[" opened here is never closed with "]" (got "projectId: [unclosed")',
    ]);
  });

  test('a file that is not a mapping', () => {
    expect(problems('- a\n- b\n')).toEqual(['(file): must be a YAML mapping of settings (got ["a","b"])']);
  });

  test('an unreadable file', () => {
    expect(() => loadConfig('/nonexistent/config.yaml')).toThrow(/cannot read the file: ENOENT/);
  });

  test('an unknown key (a typo) suggests the right one', () => {
    expect(problems(withPlayground('nodeCont: 2'))).toEqual([
      'gkePlayground.nodeCont: unknown key; did you mean "nodeCount"? (got 2)',
    ]);
    expect(problems(`${VALID}colour: blue\n`)).toEqual([
      expect.stringMatching(/^colour: unknown key; allowed here: projectId, region, .* \(got "blue"\)$/),
    ]);
  });

  test('a bad project id', () => {
    expect(problems(VALID.replace('my-project-123\n', 'My_Project\n'))).toEqual([
      'projectId: must be a project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (got "My_Project")',
    ]);
  });

  test('a zone outside the region is refused; a zone left out follows the region', () => {
    expect(problems(VALID.replace('zone: europe-west1-b', 'zone: us-central1-a'))).toEqual([
      'gkePlayground.zone: must be a zone of the region europe-west1 (one of europe-west1-b, europe-west1-c, europe-west1-d) (got "us-central1-a")',
    ]);
    const derived = parseConfig(VALID.replace('gkePlayground:\n  zone: europe-west1-b\n', 'gkePlayground: {}\n'), 'test.yaml');
    expect(derived.config.gkePlayground.zone).toBe('europe-west1-b');
    // Without its section the playground is not built, so its default zone is not checked.
    expect(parseConfig(VALID.replace('gkePlayground:\n  zone: europe-west1-b\n', ''), 'test.yaml').config.gkePlayground.enabled).toBe(
      false,
    );
  });

  test('a bad CIDR, and ranges that overlap', () => {
    expect(problems(withPlayground('network:\n  podsCidr: 10.20.0.1/16'))).toEqual([
      'gkePlayground.network.podsCidr: must be an IPv4 CIDR such as 10.0.0.0/24, with no host bits set (got "10.20.0.1/16")',
    ]);
    expect(problems(withPlayground('network:\n  servicesCidr: 10.20.16.0/20'))).toEqual([
      'gkePlayground.network.servicesCidr: overlaps podsCidr 10.20.0.0/16 (got "10.20.16.0/20")',
    ]);
  });

  test('missing required fields', () => {
    expect(problems('region: us-central1\n')).toEqual([
      'projectId: is required',
      'environment: is required',
      'stateBucket: is required',
    ]);
  });

  test('wrong types, enums and bounds', () => {
    expect(problems(withPlayground('nodeCount: -1\nprovisioning: cheap\nenabled: "yes"'))).toEqual([
      'gkePlayground.enabled: must be a boolean (got "yes")',
      'gkePlayground.nodeCount: must be at least 0 (got -1)',
      'gkePlayground.provisioning: must be one of: spot, preemptible, standard (got "cheap")',
    ]);
  });

  test('every problem is listed at once, cross-field checks included', () => {
    const text = VALID.replace('my-project-123\n', 'X\n').replace('zone: europe-west1-b', 'zone: us-east1-b\n  nodeCount: 1.5');
    expect(problems(text)).toHaveLength(3);
  });

  test('labels follow Google Cloud label rules', () => {
    expect(problems(`${VALID}labels:\n  Owner: team\n  cost: "A B"\n`)).toEqual([
      'labels.Owner: label keys must be 1-63 lowercase letters, digits, _ or -, starting with a letter (got "Owner")',
      'labels.cost: label values must be at most 63 lowercase letters, digits, _ or - (got "A B")',
    ]);
  });

  test('waivers need a known rule, a known stack and a reason', () => {
    const text = `${VALID}policy:\n  waivers:\n    - rule: CKV_GCP_999\n      stack: gke-playgorund\n      reason: short\n`;
    expect(problems(text)).toEqual([
      expect.stringMatching(/^policy\.waivers\.0\.rule: must be one of: CKV_GCP_29, .* \(got "CKV_GCP_999"\)$/),
      expect.stringMatching(/^policy\.waivers\.0\.stack: must be one of: state-bootstrap, gke-playground, .* \(got "gke-playgorund"\)$/),
      'policy.waivers.0.reason: must say why, in at least 10 characters (got "short")',
    ]);
  });

  test('project creation takes a folder or an organization, not both', () => {
    const text = withPlayground(
      'projectId: kube-playground-1\ncreateProject:\n  billingAccount: 0123AB-4567CD-89EF01\n  folderId: "1"\n  orgId: "2"',
    );
    expect(problems(text)).toEqual(['gkePlayground.createProject.orgId: set folderId or orgId, not both (got "2")']);
  });

  test('a machine type too small for GKE is accepted with a warning', () => {
    const { warnings } = parseConfig(withPlayground('machineType: f1-micro\ncontrolPlaneAuthorizedCidrs: [203.0.113.0/24]'));
    expect(warnings).toEqual([expect.stringContaining('gkePlayground.machineType: f1-micro has too little memory')]);
  });

  test('the error message names the file and says nothing was written', () => {
    expect(() => parseConfig('region: us-central1\n', 'config/dev.yaml')).toThrow(
      /^config\/dev\.yaml: 3 problems; nothing was synthesized\n {2}projectId: is required/,
    );
  });
});
