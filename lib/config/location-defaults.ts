import { machineTypeOfferedIn, zonesOf } from './catalog';
import { asRecord } from './fields';

/**
 * Settings whose default follows the global `region`: a zone, the n-th of the region's zones in the catalog (the
 * IRIS mirror's members need three different ones, the bastion shares the arbiter's). They are filled in before
 * validation, only where the file leaves them out and its section is there, so that moving a config to another
 * region needs only the keys the file names.
 */
const ZONE_DEFAULTS: readonly { readonly path: readonly string[]; readonly zone: number }[] = [
  { path: ['gkePlayground', 'zone'], zone: 0 },
  { path: ['skypilot', 'cluster', 'zone'], zone: 0 },
  { path: ['ilpConnector', 'cluster', 'zone'], zone: 0 },
  { path: ['irisMirror', 'vms', 'primary', 'zone'], zone: 0 },
  { path: ['irisMirror', 'vms', 'backup', 'zone'], zone: 1 },
  { path: ['irisMirror', 'vms', 'arbiter', 'zone'], zone: 2 },
  { path: ['irisMirror', 'vms', 'client', 'zone'], zone: 2 },
];

/** The IRIS members' machine type, in order of preference: the article's, then shapes with at least its memory. */
const IRIS_MACHINE_TYPES = ['n1-standard-1', 'n2-standard-2', 'e2-standard-2', 'n2d-standard-2', 'c3-standard-4'];

export interface LocatedConfig {
  /** The file's data with the region's zones filled in. */
  readonly data: unknown;
  /** Dotted paths that got a value here, for messages about them ("from region: set ... to choose"). */
  readonly derived: ReadonlySet<string>;
}

/** Fills each zone the file leaves out with one of the region's zones; nothing when the region is unknown. */
export function withLocationDefaults(data: unknown): LocatedConfig {
  const root = asRecord(data);
  const zones = typeof root.region === 'string' ? zonesOf(root.region) : undefined;
  const derived = new Set<string>();
  if (!zones || data === null || typeof data !== 'object' || Array.isArray(data)) return { data, derived };
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const { path, zone } of ZONE_DEFAULTS) {
    const section = copy[path[0]];
    // Only sections the file has, and mappings all the way down: a wrong type is the schema's to report.
    if (section === undefined || asRecord(section) !== section) continue;
    let node = section as Record<string, unknown>;
    let ok = true;
    for (const key of path.slice(1, -1)) {
      if (node[key] === undefined) node[key] = {};
      if (asRecord(node[key]) !== node[key]) {
        ok = false;
        break;
      }
      node = node[key] as Record<string, unknown>;
    }
    const leaf = path[path.length - 1];
    if (ok && node[leaf] === undefined) {
      node[leaf] = zones[Math.min(zone, zones.length - 1)];
      derived.add(path.join('.'));
    }
  }
  // The article's n1-standard-1 where its members' zones offer N1; else the nearest shape that they do offer.
  const iris = copy.irisMirror;
  if (iris !== undefined && asRecord(iris) === iris && (iris as Record<string, unknown>).machineType === undefined) {
    const memberZones = zones.slice(0, 3);
    const fits = IRIS_MACHINE_TYPES.find((type) => memberZones.every((z) => machineTypeOfferedIn(type, z) !== false));
    if (fits && fits !== IRIS_MACHINE_TYPES[0]) {
      (iris as Record<string, unknown>).machineType = fits;
      derived.add('irisMirror.machineType');
    }
  }
  return { data: copy, derived };
}

/** "must be a zone of the region X (one of X-b, X-c, X-d)", with the zones the catalog knows for it. */
export function zoneOfRegionMessage(region: string): string {
  return `must be a zone of the region ${region} (one of ${(zonesOf(region) ?? [`${region}-b`]).join(', ')})`;
}
