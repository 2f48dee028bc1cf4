/** Look-ups over the regions, zones and machine-type catalog. */
import { didYouMean } from '../suggest';
import { CUSTOM_RULES, E2_SHARED_CUSTOM, SERIES_SHAPES, SERIES_WITHOUT_SHAPES, SHARED_CORE } from './machine-types';
import { REGION_ZONES } from './regions';
import { ZONE_FAMILIES } from './zone-families';

export { CATALOG_REFRESH_COMMAND, CATALOG_SOURCE, CATALOG_TAKEN_ON, REGION_ZONES } from './regions';
export { N1_NEEDS_GPU, ZONE_FAMILIES } from './zone-families';

export const REGIONS: readonly string[] = Object.keys(REGION_ZONES);

export const ZONES: readonly string[] = REGIONS.flatMap((r) => REGION_ZONES[r].split(' ').map((l) => `${r}-${l}`));
const ZONE_SET = new Set(ZONES);

/** Every predefined machine type the catalog names. */
export const PREDEFINED_MACHINE_TYPES: readonly string[] = [
  ...Object.keys(SHARED_CORE),
  ...Object.entries(SERIES_SHAPES).flatMap(([series, rows]) =>
    rows.flatMap((row) => {
      const [kind, ...rest] = row.split(' ');
      const suffix = rest[rest.length - 1].startsWith('-') ? (rest.pop() as string) : '';
      return rest.map((size) => `${series}-${kind}-${size}${suffix}`);
    }),
  ),
];
const PREDEFINED_SET = new Set(PREDEFINED_MACHINE_TYPES);

export function isKnownRegion(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(REGION_ZONES, name);
}

export function isKnownZone(name: string): boolean {
  return ZONE_SET.has(name);
}

/** The zones of a region (us-central1 -> us-central1-a, -b, -c, -f), undefined for a region the catalog lacks. */
export function zonesOf(region: string): string[] | undefined {
  return isKnownRegion(region) ? REGION_ZONES[region].split(' ').map((letter) => `${region}-${letter}`) : undefined;
}

export function regionMessage(value: string): string {
  // An abbreviation (eu-west1 for europe-west1) is a likelier meaning than the nearest spelling (me-west1).
  const parts = value.split('-');
  const expanded = REGIONS.filter((region) => {
    const full = region.split('-');
    const last = parts.length - 1;
    return (
      full.length === parts.length &&
      full.every((part, i) => (i === last ? part === parts[i] : part.startsWith(parts[i])))
    );
  });
  const hint = expanded.length === 1 ? `; did you mean "${expanded[0]}"?` : didYouMean(value, REGIONS);
  return `must be a Google Cloud region such as us-central1${hint}`;
}

export function zoneMessage(value: string): string {
  const region = value.replace(/-[a-z]$/, '');
  if (region !== value && isKnownRegion(region)) {
    return `must be a zone such as us-central1-a; ${region} has zones ${REGION_ZONES[region].split(' ').join(', ')}`;
  }
  return `must be a zone such as us-central1-a${didYouMean(value, ZONES)}`;
}

const CUSTOM = /^(?:(e2|n2|n2d|n4)-)?custom-(\d+)-(\d+)(-ext)?$/;
const E2_SHARED = /^e2-custom-(micro|small|medium)-(\d+)$/;

/** The machine series a type belongs to (custom-2-4096, f1-micro -> n1), undefined when the catalog lacks it. */
export function seriesOf(machineType: string): string | undefined {
  if (SHARED_CORE[machineType]) return SHARED_CORE[machineType];
  const custom = CUSTOM.exec(machineType);
  if (custom) return custom[1] ?? 'n1';
  const series = machineType.split('-')[0];
  return series in SERIES_SHAPES || SERIES_WITHOUT_SHAPES.includes(series) ? series : undefined;
}

/** Why a machine type is not valid, or undefined when it is. */
export function machineTypeProblem(value: string): string | undefined {
  if (PREDEFINED_SET.has(value)) return undefined;
  const shared = E2_SHARED.exec(value);
  if (shared) {
    const [min, max] = E2_SHARED_CUSTOM[shared[1]];
    const memory = Number(shared[2]);
    if (memory % 256 !== 0) return 'custom memory must be a multiple of 256 MB';
    if (memory < min || memory > max) return `e2-custom-${shared[1]} takes ${min}-${max} MB of memory`;
    return undefined;
  }
  const custom = CUSTOM.exec(value);
  if (custom) return customProblem(custom[1] ?? 'n1', Number(custom[2]), Number(custom[3]), custom[4] !== undefined);
  const series = value.split('-')[0];
  if (SERIES_WITHOUT_SHAPES.includes(series) && /^[a-z0-9]+(-[a-z0-9]+)+$/.test(value)) return undefined;
  const base = 'must be a Compute Engine machine type such as e2-medium';
  // A size the series does not have (e2-standard-3): name the sizes rather than guess one.
  const sized = /^([a-z0-9]+)-([a-z]+)-\d+$/.exec(value);
  const row = sized && SERIES_SHAPES[sized[1]]?.find((r) => r.startsWith(`${sized[2]} `) && !/ -/.test(r));
  if (row) return `${base}; ${sized[1]}-${sized[2]} comes in ${row.split(' ').slice(1).join(', ')} vCPUs`;
  return base + didYouMean(value, PREDEFINED_MACHINE_TYPES);
}

function customProblem(series: string, vcpus: number, memoryMb: number, extended: boolean): string | undefined {
  if (memoryMb % 256 !== 0) return 'custom memory must be a multiple of 256 MB';
  const rule = CUSTOM_RULES[series];
  if (!rule) return extended ? `${series.toUpperCase()} custom types take no -ext suffix` : undefined; // N4: form only
  const name = `${rule.label} custom types`;
  if (!rule.vcpus(vcpus)) return `${name} take ${rule.vcpuText}`;
  const gb = (mb: number) => `${Math.round((mb / 1024) * 10) / 10} GB`;
  const range = `${name} take ${gb(rule.minMbPerVcpu).replace(' GB', '')}-${gb(rule.maxMbPerVcpu)} of memory per vCPU`;
  const per = `for ${vcpus} vCPU${vcpus === 1 ? '' : 's'}`;
  if (memoryMb < rule.minMbPerVcpu * vcpus) return `${range}: at least ${rule.minMbPerVcpu * vcpus} MB ${per}`;
  if (extended) {
    if (rule.extendedMaxMb === undefined) return `${name} take no -ext suffix (no extended memory)`;
    if (memoryMb > rule.extendedMaxMb) return `${name} with -ext take at most ${gb(rule.extendedMaxMb)} of memory`;
    return undefined;
  }
  const max = Math.min(rule.maxMbPerVcpu * vcpus, rule.maxTotalMb ?? Infinity);
  if (memoryMb > max) {
    const more = rule.extendedMaxMb === undefined ? '' : '; more needs the -ext suffix (extended memory)';
    const total = rule.maxTotalMb ? ` and ${gb(rule.maxTotalMb)} in all` : '';
    return `${range}${total}: at most ${max} MB ${per}${more}`;
  }
  return undefined;
}

function offeredInZone(machineType: string, series: string, zone: string): boolean {
  const tokens = ZONE_FAMILIES[zone].split(' ');
  if (machineType.startsWith('a4x-max')) return tokens.includes('a4x-max');
  return tokens.includes(series) || (series === 'z3' && machineType.endsWith('-metal') && tokens.includes('z3-metal'));
}

/**
 * Whether the catalog lists the machine type's series in a zone, or in any zone of a region.
 * Undefined when the catalog does not know the location or the series.
 */
export function machineTypeOfferedIn(machineType: string, zoneOrRegion: string): boolean | undefined {
  const series = seriesOf(machineType);
  if (series === undefined) return undefined;
  if (isKnownZone(zoneOrRegion)) return offeredInZone(machineType, series, zoneOrRegion);
  return zonesOf(zoneOrRegion)?.some((zone) => offeredInZone(machineType, series, zone));
}

/**
 * A sentence for a cross-field check when the catalog says the series is not offered at the location, such as
 * `N1 machine types are not offered in europe-west12-a (nor anywhere in europe-west12)`; undefined otherwise.
 */
export function machineTypeAvailabilityProblem(machineType: string, zoneOrRegion: string): string | undefined {
  if (machineTypeOfferedIn(machineType, zoneOrRegion) !== false) return undefined;
  const series = (seriesOf(machineType) as string).toUpperCase();
  if (!isKnownZone(zoneOrRegion)) return `${series} machine types are not offered in any zone of ${zoneOrRegion}`;
  const region = zoneOrRegion.replace(/-[a-z]$/, '');
  const others = (zonesOf(region) ?? []).filter((zone) => machineTypeOfferedIn(machineType, zone));
  const where =
    others.length > 0 ? `; zones of ${region} that offer them: ${others.join(', ')}` : ` (nor anywhere in ${region})`;
  return `${series} machine types are not offered in ${zoneOrRegion}${where}`;
}
