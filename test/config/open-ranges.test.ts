import { configWarnings } from '../../lib/config/schema';
import { exampleConfig } from '../support/app';

/** The warnings about source ranges open to the internet, for the example config with `overrides`. */
function openWarnings(overrides: Record<string, unknown>): string[] {
  return configWarnings(exampleConfig(overrides)).filter((w) => w.includes('on the internet'));
}

const example = exampleConfig();

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
  ])('%s', (path, overrides) => {
    const warnings = openWarnings(overrides);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^${path.replace(/\./g, '\\.')}: .* on the internet reaches .*; list your office or VPN ranges`),
    );
  });

  test('the example, which lists documentation ranges, gets none; nor do ranges that leave a gap', () => {
    expect(openWarnings({})).toEqual([]);
    expect(openWarnings({ irisMirror: { sshSourceCidrs: ['0.0.0.0/1', '128.0.0.0/2'] } })).toEqual([]);
  });
});
