import { configWarnings } from '../../lib/config/schema';
import { exampleConfig } from '../support/app';

const example = exampleConfig();
/** The example leaves its control planes open: it cannot know where cdktf deploy and kubectl run. */
const EXAMPLE_WARNINGS = configWarnings(example);

/** The warnings about source ranges open to the internet that `overrides` add to the example's own. */
function openWarnings(overrides: Record<string, unknown>): string[] {
  return configWarnings(exampleConfig(overrides)).filter(
    (w) => w.includes('on the internet') && !EXAMPLE_WARNINGS.includes(w),
  );
}

describe('a source range that admits the whole internet, written or left out, gets the same warning', () => {
  test.each([
    ['skypilot.web.sourceCidrs', { skypilot: { web: { ...example.skypilot.web, sourceCidrs: ['0.0.0.0/0'] } } }],
    [
      'skypilot.web.sourceCidrs',
      { skypilot: { web: { ...example.skypilot.web, sourceCidrs: ['0.0.0.0/1', '128.0.0.0/1'] } } },
    ],
    ['skypilot.web.sourceCidrs', { skypilot: { web: { ...example.skypilot.web, sourceCidrs: undefined } } }],
    ['irisMirror.sshSourceCidrs', { irisMirror: { sshSourceCidrs: ['0.0.0.0/0'] } }],
    [
      'irisMirror.vip.publicSourceCidrs',
      { irisMirror: { vip: { ...example.irisMirror.vip, public: true, publicSourceCidrs: ['0.0.0.0/0'] } } },
    ],
    [
      'cloudrunMesh.gateway.externalSourceRanges',
      { cloudrunMesh: { gateway: { ...example.cloudrunMesh!.gateway, externalSourceRanges: ['0.0.0.0/0'] } } },
    ],
    [
      'cloudrunMesh.gateway.externalSourceRanges',
      { cloudrunMesh: { gateway: { ...example.cloudrunMesh!.gateway, externalSourceRanges: undefined } } },
    ],
    ['gkePlayground.controlPlaneAuthorizedCidrs', { gkePlayground: { controlPlaneAuthorizedCidrs: ['0.0.0.0/0'] } }],
    [
      'skypilot.cluster.controlPlaneAuthorizedCidrs',
      { skypilot: { cluster: { ...example.skypilot.cluster, controlPlaneAuthorizedCidrs: ['0.0.0.0/1', '128.0.0.0/1'] } } },
    ],
    [
      'ilpConnector.cluster.controlPlaneAuthorizedCidrs',
      { ilpConnector: { cluster: { ...example.ilpConnector.cluster, controlPlaneAuthorizedCidrs: ['0.0.0.0/0'] } } },
    ],
  ])('%s', (path, overrides) => {
    const warnings = openWarnings(overrides);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^${path.replace(/\./g, '\\.')}: .* on the internet reaches .*; list your office or VPN ranges`),
    );
  });

  test('the example lists documentation ranges except for its control planes; ranges that leave a gap get none', () => {
    expect(EXAMPLE_WARNINGS.map((w) => w.split(':')[0])).toEqual([
      'gkePlayground.controlPlaneAuthorizedCidrs',
      'skypilot.cluster.controlPlaneAuthorizedCidrs',
      'ilpConnector.cluster.controlPlaneAuthorizedCidrs',
    ]);
    expect(EXAMPLE_WARNINGS[0]).toBe(
      "gkePlayground.controlPlaneAuthorizedCidrs: unset, so anyone on the internet reaches the cluster's control plane " +
        '(each request still needs Google credentials); list your office or VPN ranges, and where cdktf deploy and ' +
        'kubectl run',
    );
    expect(openWarnings({ irisMirror: { sshSourceCidrs: ['0.0.0.0/1', '128.0.0.0/2'] } })).toEqual([]);
  });

  test('listed control plane ranges silence the warning', () => {
    const closed = exampleConfig({
      gkePlayground: { controlPlaneAuthorizedCidrs: ['203.0.113.0/24'] },
      skypilot: { cluster: { ...example.skypilot.cluster, controlPlaneAuthorizedCidrs: [] } },
      ilpConnector: { cluster: { ...example.ilpConnector.cluster, controlPlaneAuthorizedCidrs: ['203.0.113.0/24'] } },
    });
    expect(configWarnings(closed)).toEqual([]);
  });
});
