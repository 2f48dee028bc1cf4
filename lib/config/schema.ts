import { z } from 'zod';
import { blockSize, cidrsOverlap, parseCidr } from '../network/ipv4';
import { replacementWarning } from './adopt';
import { cloudrunMeshProblems, cloudrunMeshReplacements, cloudrunMeshSchema } from './cloudrun-mesh';
import { isKnownRegion, isKnownZone, machineTypeAvailabilityProblem } from './catalog';
import { asRecord, regionOfZone } from './fields';
import { gkePlaygroundReplacements, gkePlaygroundSchema } from './gke-playground';
import { globalShape } from './global';
import { zoneOfRegionMessage } from './location-defaults';
import { ilpConnectorProblems, ilpConnectorReplacements, ilpConnectorSchema } from './ilp-connector';
import { irisMirrorProblems, irisMirrorReplacements, irisMirrorSchema } from './iris-mirror';
import { skypilotProblems, skypilotReplacements, skypilotSchema } from './skypilot';
import { CLUSTER_NETWORK_RANGES } from './shapes';
import { stateBootstrapProblems, stateBootstrapReplacements, stateBootstrapSchema } from './state-bootstrap';

/**
 * The whole config file. Checks that span fields are in `crossFieldProblems`. state-bootstrap is built unless
 * disabled (every other stack keeps its state in its bucket); a blueprint is built when its section is present and
 * not `enabled: false`, so a config names exactly what it deploys.
 */
export const configSchema = z.strictObject({
  ...globalShape,
  stateBootstrap: stateBootstrapSchema.prefault({}),
  gkePlayground: gkePlaygroundSchema.prefault({ enabled: false }),
  irisMirror: irisMirrorSchema.prefault({ enabled: false }),
  skypilot: skypilotSchema.prefault({ enabled: false }),
  ilpConnector: ilpConnectorSchema.prefault({ enabled: false }),
  /** Optional: its cluster, gateway address and workloads have no sensible defaults. */
  cloudrunMesh: cloudrunMeshSchema.optional(),
});

export interface CrossFieldProblem {
  readonly path: readonly string[];
  readonly message: string;
  readonly input: unknown;
}

/**
 * Checks that relate several fields. They read their input defensively, so they also run on a config that failed
 * field validation (the raw YAML) and one run lists every problem.
 */
export function crossFieldProblems(config: unknown): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const root = asRecord(config);
  // An unknown region is one problem (the field's own): the zone checks that would follow from it are left out.
  const region = typeof root.region === 'string' && isKnownRegion(root.region) ? root.region : undefined;
  // A section that is valid on its own is checked with its defaults filled in, even when other parts are wrong.
  const playground = asRecord(withDefaults(gkePlaygroundSchema, root.gkePlayground));
  if (root.gkePlayground !== undefined && playground.enabled !== false) {
    const zone = playground.zone;
    if (typeof region === 'string' && typeof zone === 'string' && isKnownZone(zone) && regionOfZone(zone) !== region) {
      problems.push({
        path: ['gkePlayground', 'zone'],
        input: zone,
        message: zoneOfRegionMessage(region),
      });
    }
    problems.push(
      ...overlappingRanges(
        asRecord(playground.network),
        ['nodesCidr', 'podsCidr', 'servicesCidr'],
        ['gkePlayground', 'network'],
      ),
    );
  }
  problems.push(...stateBootstrapProblems(root.stateBootstrap ?? {}, root.stateBucket));
  if (root.irisMirror !== undefined) {
    problems.push(...irisMirrorProblems(withDefaults(irisMirrorSchema, root.irisMirror), region));
  }
  if (root.skypilot !== undefined) {
    const skypilot = asRecord(withDefaults(skypilotSchema, root.skypilot));
    problems.push(...skypilotProblems(skypilot, region));
    problems.push(...networkOverlaps(skypilot, skypilotSchema.shape.network, 'skypilot'));
  }
  if (root.ilpConnector !== undefined) {
    const connector = asRecord(withDefaults(ilpConnectorSchema, root.ilpConnector));
    problems.push(...ilpConnectorProblems(connector, region));
    problems.push(...networkOverlaps(connector, ilpConnectorSchema.shape.network, 'ilpConnector'));
  }
  if (root.cloudrunMesh !== undefined) {
    problems.push(...cloudrunMeshProblems(withDefaults(cloudrunMeshSchema, root.cloudrunMesh)));
  }
  problems.push(...machineAvailability(root));
  return problems;
}

/** Each VM or node pool whose machine series the catalog says is not offered in its zone. */
function machineAvailability(root: Record<string, unknown>): CrossFieldProblem[] {
  const at = (path: string[]): unknown => path.reduce<unknown>((node, key) => asRecord(node)[key], root);
  const checks: [machinePath: string[], zonePath: string[], section: string][] = [
    [['gkePlayground', 'machineType'], ['gkePlayground', 'zone'], 'gkePlayground'],
    [['skypilot', 'cluster', 'nodePool', 'machineType'], ['skypilot', 'cluster', 'zone'], 'skypilot'],
    [['ilpConnector', 'cluster', 'nodePool', 'machineType'], ['ilpConnector', 'cluster', 'zone'], 'ilpConnector'],
    ...(['primary', 'backup', 'arbiter', 'client'] as const).map((role): [string[], string[], string] => [
      ['irisMirror', 'machineType'],
      ['irisMirror', 'vms', role, 'zone'],
      'irisMirror',
    ]),
  ];
  const problems: CrossFieldProblem[] = [];
  const reported = new Set<string>();
  for (const [machinePath, zonePath, section] of checks) {
    if (root[section] === undefined || asRecord(root[section]).enabled === false) continue;
    const machine = at(machinePath);
    const zone = at(zonePath);
    if (typeof machine !== 'string' || typeof zone !== 'string') continue;
    const message = machineTypeAvailabilityProblem(machine, zone);
    const key = machinePath.join('.');
    if (message && !reported.has(key)) {
      reported.add(key);
      problems.push({ path: machinePath, input: machine, message: `is not offered where it runs: ${message}` });
    }
  }
  return problems;
}

/**
 * What withDefaults needs of a schema. Typed as z.ZodType, each section schema's assignability would be checked member
 * by member: half a second of the type-check.
 */
interface SectionParser {
  safeParse(data: unknown): { success: boolean; data?: unknown };
}

function withDefaults(schema: SectionParser, section: unknown): unknown {
  const parsed = schema.safeParse(section ?? {});
  return parsed.success ? parsed.data : section;
}

/** Overlaps among the ranges of an enabled section's `network` (a clusterNetworkSchema). */
function networkOverlaps(
  section: Record<string, unknown>,
  networkSchema: SectionParser,
  name: string,
): CrossFieldProblem[] {
  if (section.enabled === false) return [];
  const network = asRecord(withDefaults(networkSchema, section.network));
  return overlappingRanges(network, CLUSTER_NETWORK_RANGES, [name, 'network']);
}

/** Reports the first of `keys` (CIDR fields of one object) that overlaps an earlier one. */
function overlappingRanges(
  section: Record<string, unknown>,
  keys: readonly string[],
  path: readonly string[],
): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const seen: { key: string; text: string }[] = [];
  for (const key of keys) {
    const text = section[key];
    const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!cidr) continue;
    const clash = seen.find((other) => cidrsOverlap(parseCidr(other.text)!, cidr));
    if (clash) {
      problems.push({ path: [...path, key], input: text, message: `overlaps ${clash.key} ${clash.text}` });
    }
    seen.push({ key, text: text as string });
  }
  return problems;
}

/**
 * The one warning for a source-range list that admits every address on the internet: left out where that means
 * "anyone" (`ranges` undefined), or written so (0.0.0.0/0, or ranges that together cover every IPv4 address).
 */
function openToInternet(path: string, ranges: readonly string[] | undefined, what: string, alternative = ''): string[] {
  if (ranges !== undefined && !coversEveryAddress(ranges)) return [];
  const how = ranges === undefined ? 'unset, so' : `${JSON.stringify(ranges)} admits every address, so`;
  return [`${path}: ${how} anyone on the internet reaches ${what}; list your office or VPN ranges${alternative ? `, ${alternative}` : ''}`];
}

/** The open-range warning for a GKE control plane, whose clients include the machine that runs cdktf deploy. */
function openControlPlane(path: string, ranges: readonly string[] | undefined): string[] {
  return openToInternet(
    path,
    ranges,
    "the cluster's control plane (each request still needs Google credentials)",
    'and where cdktf deploy and kubectl run',
  );
}

/** Whether the CIDRs together cover all of IPv4. */
function coversEveryAddress(ranges: readonly string[]): boolean {
  const blocks = ranges
    .map(parseCidr)
    .filter((cidr) => cidr !== undefined)
    .map((cidr) => [cidr.network, cidr.network + blockSize(cidr.prefixLength)] as const)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [start, end] of blocks) {
    if (start > covered) return false;
    covered = Math.max(covered, end);
  }
  return covered >= 2 ** 32;
}

export type Config = z.infer<typeof configSchema>;
/** The settings every stack shares. */
export type GlobalConfig = Pick<Config, 'projectId' | 'region' | 'environment' | 'labels' | 'stateBucket' | 'policy'>;

/** Non-fatal remarks about a valid config: printed by synth, never block it. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const playground = config.gkePlayground;
  if (playground.enabled && /^(f1-micro|g1-small|e2-micro)$/.test(playground.machineType)) {
    warnings.push(
      `gkePlayground.machineType: ${playground.machineType} has too little memory for today's GKE system pods; ` +
        'GKE refuses f1-micro node pools and the others leave no room for workloads (e2-medium is the default)',
    );
  }
  if (playground.enabled) {
    warnings.push(
      ...openControlPlane('gkePlayground.controlPlaneAuthorizedCidrs', playground.controlPlaneAuthorizedCidrs),
    );
  }
  const skypilot = config.skypilot;
  if (skypilot.enabled) {
    warnings.push(
      ...openControlPlane('skypilot.cluster.controlPlaneAuthorizedCidrs', skypilot.cluster.controlPlaneAuthorizedCidrs),
    );
    warnings.push(
      ...openToInternet(
        'skypilot.web.sourceCidrs',
        skypilot.web.sourceCidrs,
        'the API server, whose basic-auth login travels over plain HTTP',
      ),
    );
  }
  const connector = config.ilpConnector;
  if (connector.enabled) {
    warnings.push(
      ...openControlPlane(
        'ilpConnector.cluster.controlPlaneAuthorizedCidrs',
        connector.cluster.controlPlaneAuthorizedCidrs,
      ),
    );
  }
  if (connector.enabled && connector.domain === undefined) {
    warnings.push(
      'ilpConnector.domain: unset, so the connector answers over plain HTTP on its default domain and the admin ' +
        'password travels in clear; set domain.name (with TLS) for anything beyond a test',
    );
  }
  const mesh = config.cloudrunMesh;
  if (mesh?.enabled && mesh.gateway.install && mesh.gateway.external) {
    warnings.push(
      ...openToInternet(
        'cloudrunMesh.gateway.externalSourceRanges',
        mesh.gateway.externalSourceRanges,
        'the public hgate load balancer (istiod and the SNI ports, behind mTLS)',
        'or set external: false',
      ),
    );
  }
  const iris = config.irisMirror;
  if (iris.enabled) {
    warnings.push(...openToInternet('irisMirror.sshSourceCidrs', iris.sshSourceCidrs, 'SSH on the bastion'));
    if (iris.vip.public) {
      warnings.push(
        ...openToInternet(
          'irisMirror.vip.publicSourceCidrs',
          iris.vip.publicSourceCidrs,
          'IRIS and the Web Gateway on the public VIP',
        ),
      );
    }
  }
  warnings.push(...adoptionWarnings(config));
  return warnings;
}

/** Each section's forced replacements when it adopts what its seed created (`adoptExisting`). */
const REPLACEMENTS_BY_SECTION = {
  stateBootstrap: stateBootstrapReplacements,
  gkePlayground: gkePlaygroundReplacements,
  irisMirror: irisMirrorReplacements,
  skypilot: skypilotReplacements,
  ilpConnector: ilpConnectorReplacements,
  cloudrunMesh: cloudrunMeshReplacements,
} as const;

function adoptionWarnings(config: Config): string[] {
  return Object.entries(REPLACEMENTS_BY_SECTION).flatMap(([section, replacements]) => {
    const settings = config[section as keyof typeof REPLACEMENTS_BY_SECTION];
    if (!settings?.enabled || !settings.adoptExisting) return [];
    return replacements(config).map((replacement) => replacementWarning(section, replacement));
  });
}
