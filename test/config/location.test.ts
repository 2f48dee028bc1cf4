import { readFileSync } from 'node:fs';
import { parseConfig } from '../../lib/config/load';
import { EXAMPLE_CONFIG } from '../support/app';
import { configProblems } from '../support/config';

const EXAMPLE = readFileSync(EXAMPLE_CONFIG, 'utf8');
const inRegion = (region: string) => EXAMPLE.replace(/^region: us-central1$/m, `region: ${region}`);

describe('defaults that follow the region', () => {
  test('moving the example to another region needs only the region: the zones follow it', () => {
    expect(configProblems(inRegion('europe-west1'))).toEqual([]);
    const { config } = parseConfig(inRegion('europe-west1'), 'test.yaml');
    // europe-west1 has zones b, c and d (no a): the mirror members take three different ones, the bastion the third.
    expect(config.gkePlayground.zone).toBe('europe-west1-b');
    expect(config.skypilot.cluster.zone).toBe('europe-west1-b');
    expect(config.ilpConnector.cluster.zone).toBe('europe-west1-b');
    expect(Object.values(config.irisMirror.vms).map((vm) => vm.zone)).toEqual([
      'europe-west1-b',
      'europe-west1-c',
      'europe-west1-d',
      'europe-west1-d',
    ]);
  });

  test("where the region's zones do not offer N1, the IRIS members get a shape they do offer", () => {
    for (const region of ['me-central2', 'africa-south1']) {
      expect(configProblems(inRegion(region))).toEqual([]);
      expect(parseConfig(inRegion(region), 'test.yaml').config.irisMirror.machineType).not.toBe('n1-standard-1');
    }
    expect(parseConfig(inRegion('europe-west1'), 'test.yaml').config.irisMirror.machineType).toBe('n1-standard-1');
  });

  test('a zone that does not exist is one problem, naming the zones of its region', () => {
    const text = EXAMPLE.replace('  clusterName: cluster-1\n', '  clusterName: cluster-1\n  zone: europe-west1-a\n');
    expect(configProblems(text)).toEqual([
      'gkePlayground.zone: must be a zone such as us-central1-a; europe-west1 has zones b, c, d (got "europe-west1-a")',
    ]);
  });

  test('a zone the file names is kept, and checked against the region', () => {
    const text = inRegion('europe-west1').replace(
      '  clusterName: cluster-1\n',
      '  clusterName: cluster-1\n  zone: us-central1-a\n',
    );
    expect(configProblems(text)).toEqual([
      'gkePlayground.zone: must be a zone of the region europe-west1 (one of europe-west1-b, europe-west1-c, europe-west1-d) (got "us-central1-a")',
    ]);
  });

  test('an unknown region is one problem, with a hint; nothing that follows from it is reported', () => {
    expect(configProblems(inRegion('eu-west1'))).toEqual([
      'region: must be a Google Cloud region such as us-central1; did you mean "europe-west1"? (got "eu-west1")',
    ]);
    expect(configProblems(inRegion('us-centrl1'))).toEqual([
      'region: must be a Google Cloud region such as us-central1; did you mean "us-central1"? (got "us-centrl1")',
    ]);
  });

  test('a machine series the catalog says a zone does not offer is refused there, naming the zones that do', () => {
    const problems = configProblems(
      EXAMPLE.replace('  machineType: e2-medium\n', '  machineType: t2a-standard-1\n  zone: us-central1-c\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^gkePlayground\.machineType: is not offered where it runs: T2A machine types are not offered in us-central1-c; zones of us-central1 that offer them: .* \(got "t2a-standard-1"\)$/,
      ),
    ]);
  });

  test('a problem with a value the file does not hold says it is the default, and which key to set', () => {
    const problems = configProblems(EXAMPLE.replace('    public: false\n', '    public: true\n'));
    expect(problems).toContain(
      'irisMirror.vip.publicSourceCidrs: must list who may reach the public VIP; that is the default: set irisMirror.vip.publicSourceCidrs to choose another (got [])',
    );
  });
});
