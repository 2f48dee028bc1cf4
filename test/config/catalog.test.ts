import {
  CATALOG_REFRESH_COMMAND,
  CATALOG_SOURCE,
  CATALOG_TAKEN_ON,
  N1_NEEDS_GPU,
  PREDEFINED_MACHINE_TYPES,
  REGION_ZONES,
  ZONE_FAMILIES,
  ZONES,
  machineTypeAvailabilityProblem,
  seriesOf,
} from '../../lib/config/catalog';
import { isKnownRegion, machineType, machineTypeOfferedIn, region, regionOfZone, zone, zonesOf } from '../../lib/config/fields';
import { closest, editDistance } from '../../lib/config/suggest';
import type { z } from 'zod';

/** The message a field schema gives for a value, or 'ok'. */
function check(schema: z.ZodString, value: string): string {
  const result = schema.safeParse(value);
  return result.success ? 'ok' : result.error.issues.map((issue) => issue.message).join(' | ');
}

/** Catalog data older than this many months before the reference date fails the freshness test. */
const REFERENCE_DATE = '2026-12-01';
const MAX_AGE_MONTHS = 12;

describe('catalog source and refresh', () => {
  test(`names its source and date; refresh with: ${CATALOG_REFRESH_COMMAND}`, () => {
    expect(CATALOG_SOURCE).toBe('https://cloud.google.com/compute/docs/regions-zones');
    expect(CATALOG_TAKEN_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test(`was taken at most ${MAX_AGE_MONTHS} months before ${REFERENCE_DATE}`, () => {
    const taken = new Date(`${CATALOG_TAKEN_ON}T00:00:00Z`);
    const oldest = new Date(`${REFERENCE_DATE}T00:00:00Z`);
    oldest.setUTCMonth(oldest.getUTCMonth() - MAX_AGE_MONTHS);
    if (taken < oldest) {
      throw new Error(
        `The catalog in lib/config/catalog was taken on ${CATALOG_TAKEN_ON}. Refresh it: run ` +
          `${CATALOG_REFRESH_COMMAND} and rewrite REGION_ZONES (regions.ts); copy the "Machine types" column of ` +
          `${CATALOG_SOURCE} into ZONE_FAMILIES (zone-families.ts); check shapes with ` +
          `gcloud compute machine-types list; then set CATALOG_TAKEN_ON and REFERENCE_DATE here.`,
      );
    }
  });
});

describe('catalog consistency', () => {
  test('every zone belongs to its region, and the zone table covers exactly the catalog zones', () => {
    for (const name of Object.keys(ZONE_FAMILIES)) {
      expect(zonesOf(regionOfZone(name))).toContain(name);
    }
    expect(Object.keys(ZONE_FAMILIES).sort()).toEqual([...ZONES].sort());
  });

  test('zone letters are single letters, sorted, without repeats', () => {
    for (const letters of Object.values(REGION_ZONES)) {
      const list = letters.split(' ');
      expect(list.every((l) => /^[a-z]$/.test(l))).toBe(true);
      expect([...new Set(list)].sort()).toEqual(list);
    }
  });

  test('every series a zone lists is one the catalog knows (or a variant: z3-metal, a4x-max)', () => {
    const variants = new Set(['z3-metal', 'a4x-max']);
    for (const series of new Set(Object.values(ZONE_FAMILIES).flatMap((s) => s.split(' ')))) {
      if (!variants.has(series)) expect([series, seriesOf(`${series}-standard-x`)]).toEqual([series, series]);
    }
  });

  test('predefined names are unique and each belongs to a known series', () => {
    expect(new Set(PREDEFINED_MACHINE_TYPES).size).toBe(PREDEFINED_MACHINE_TYPES.length);
    for (const name of PREDEFINED_MACHINE_TYPES) expect(seriesOf(name)).toBeDefined();
  });
});

describe('region', () => {
  test.each([
    ['us-central1', 'ok'],
    ['europe-west1', 'ok'],
    ['europe-west12', 'ok'],
    ['northamerica-south1', 'ok'],
    ['asia-southeast3', 'ok'],
    ['europe-wset1', 'must be a Google Cloud region such as us-central1; did you mean "europe-west1"?'],
    ['us-central', 'must be a Google Cloud region such as us-central1; did you mean "us-central1"?'],
    ['us-centrl1', 'must be a Google Cloud region such as us-central1; did you mean "us-central1"?'],
    ['mars-north1', 'must be a Google Cloud region such as us-central1'],
    ['us-central1-a', 'must be a Google Cloud region such as us-central1; did you mean "us-central1"?'],
    ['', 'must be a Google Cloud region such as us-central1'],
  ])('%j -> %s', (value, expected) => {
    expect(check(region, value)).toBe(expected);
  });

  test('helpers', () => {
    expect(isKnownRegion('europe-west1')).toBe(true);
    expect(isKnownRegion('europe-west5')).toBe(false);
    expect(zonesOf('europe-west1')).toEqual(['europe-west1-b', 'europe-west1-c', 'europe-west1-d']);
    expect(zonesOf('us-central1')).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f']);
    expect(zonesOf('us-east1')).toEqual(['us-east1-b', 'us-east1-c', 'us-east1-d']);
    expect(zonesOf('mars-north1')).toBeUndefined();
  });
});

describe('zone', () => {
  test.each([
    ['us-central1-a', 'ok'],
    ['us-central1-f', 'ok'],
    ['europe-west1-b', 'ok'],
    ['us-east1-d', 'ok'],
    ['us-central1-d', 'must be a zone such as us-central1-a; us-central1 has zones a, b, c, f'],
    ['europe-west1-a', 'must be a zone such as us-central1-a; europe-west1 has zones b, c, d'],
    ['us-east1-a', 'must be a zone such as us-central1-a; us-east1 has zones b, c, d'],
    ['us-centrl1-a', 'must be a zone such as us-central1-a; did you mean "us-central1-a"?'],
    ['us-central1', 'must be a zone such as us-central1-a; did you mean "us-central1-a"?'],
    ['mars-north1-a', 'must be a zone such as us-central1-a'],
  ])('%j -> %s', (value, expected) => {
    expect(check(zone, value)).toBe(expected);
  });
});

describe('machineType', () => {
  const base = 'must be a Compute Engine machine type such as e2-medium';
  test.each([
    // predefined and shared-core
    ['e2-medium', 'ok'],
    ['e2-micro', 'ok'],
    ['e2-standard-32', 'ok'],
    ['e2-highcpu-4', 'ok'],
    ['e2-highmem-16', 'ok'],
    ['n1-standard-1', 'ok'],
    ['n1-standard-96', 'ok'],
    ['n1-highmem-2', 'ok'],
    ['f1-micro', 'ok'],
    ['g1-small', 'ok'],
    ['n2-standard-128', 'ok'],
    ['n2d-highcpu-224', 'ok'],
    ['c2-standard-60', 'ok'],
    ['c3-standard-22-lssd', 'ok'],
    ['c3-highmem-192-metal', 'ok'],
    ['c3d-highmem-360-lssd', 'ok'],
    ['c4-standard-288-lssd-metal', 'ok'],
    ['t2d-standard-60', 'ok'],
    ['t2a-standard-48', 'ok'],
    ['m1-ultramem-40', 'ok'],
    ['m2-hypermem-416', 'ok'],
    ['m3-megamem-128', 'ok'],
    ['a2-ultragpu-8g', 'ok'],
    ['g2-standard-12', 'ok'],
    // series known by name only
    ['c4a-standard-8', 'ok'],
    ['z3-highmem-88-highlssd', 'ok'],
    // typos and unknown names
    ['e2-meduim', `${base}; did you mean "e2-medium"?`],
    ['e2-standart-8', `${base}; did you mean "e2-standard-8"?`],
    ['n1-standad-1', `${base}; did you mean "n1-standard-1"?`],
    ['f1-mirco', `${base}; did you mean "f1-micro"?`],
    ['e2-standard-3', `${base}; e2-standard comes in 2, 4, 8, 16, 32 vCPUs`],
    ['e2-highmem-32', `${base}; e2-highmem comes in 2, 4, 8, 16 vCPUs`],
    ['n1-highmem-1', `${base}; n1-highmem comes in 2, 4, 8, 16, 32, 64, 96 vCPUs`],
    ['q9-huge-1000', base],
    ['medium', base],
    // custom shapes
    ['custom-1-3840', 'ok'],
    ['custom-2-4096', 'ok'],
    ['custom-96-624896', 'ok'],
    ['custom-2-20480-ext', 'ok'],
    ['n2-custom-36-36864', 'ok'],
    ['n2d-custom-48-24576', 'ok'],
    ['e2-custom-4-8192', 'ok'],
    ['e2-custom-small-3072', 'ok'],
    ['n4-custom-4-16384', 'ok'],
    ['custom-3-4096', 'N1 custom types take 1 or an even number of vCPUs up to 96'],
    ['custom-98-98304', 'N1 custom types take 1 or an even number of vCPUs up to 96'],
    ['custom-1-4000', 'custom memory must be a multiple of 256 MB'],
    ['custom-2-1024', 'N1 custom types take 0.9-6.5 GB of memory per vCPU: at least 1844 MB for 2 vCPUs'],
    [
      'custom-2-20480',
      'N1 custom types take 0.9-6.5 GB of memory per vCPU: at most 13312 MB for 2 vCPUs; more needs the -ext suffix (extended memory)',
    ],
    ['n2-custom-34-34816', 'N2 custom types take 2-32 vCPUs in steps of 2, or 36-128 in steps of 4'],
    ['n2d-custom-6-6144', 'N2D custom types take 2, 4, 8, 16, 32, 48, 64, 80 or 96 vCPUs'],
    ['e2-custom-3-4096', 'E2 custom types take 2-32 vCPUs in steps of 2'],
    ['e2-custom-32-196608', 'E2 custom types take 0.5-8 GB of memory per vCPU and 128 GB in all: at most 131072 MB for 32 vCPUs'],
    ['e2-custom-2-8192-ext', 'E2 custom types take no -ext suffix (no extended memory)'],
    ['e2-custom-micro-4096', 'e2-custom-micro takes 1024-2048 MB of memory'],
  ])('%j -> %s', (value, expected) => {
    expect(check(machineType, value)).toBe(expected);
  });
});

describe('machine types by location', () => {
  test.each([
    ['e2-medium', 'us-central1-a', true],
    ['n1-standard-1', 'europe-west12-a', false],
    ['n1-standard-1', 'europe-west12', false],
    ['f1-micro', 'northamerica-south1-b', false],
    ['custom-2-4096', 'us-central1-f', true],
    ['e2-medium', 'asia-southeast3-a', false],
    ['n4-standard-2', 'asia-southeast3', true],
    ['t2a-standard-1', 'us-central1-c', false],
    ['t2a-standard-1', 'us-central1', true],
    ['z3-highmem-192-highlssd-metal', 'me-central1-a', true],
    ['z3-highmem-88', 'me-central1-a', false],
    ['e2-medium', 'mars-north1-a', undefined],
    ['q9-huge-1000', 'us-central1-a', undefined],
  ] as const)('%s in %s -> %s', (type, location, expected) => {
    expect(machineTypeOfferedIn(type, location)).toBe(expected);
  });

  test('N1 in me-west1 needs a GPU, as the page notes', () => {
    expect(N1_NEEDS_GPU).toEqual(['me-west1']);
    expect(machineTypeOfferedIn('n1-standard-4', 'me-west1-a')).toBe(false);
    expect(machineTypeOfferedIn('n1-standard-4', 'me-west1-b')).toBe(true);
  });

  test.each([
    ['t2a-standard-1', 'us-central1-c', 'T2A machine types are not offered in us-central1-c; zones of us-central1 that offer them: us-central1-a, us-central1-b, us-central1-f'],
    ['n1-standard-1', 'europe-west12-a', 'N1 machine types are not offered in europe-west12-a (nor anywhere in europe-west12)'],
    ['e2-medium', 'asia-southeast3', 'E2 machine types are not offered in any zone of asia-southeast3'],
    ['e2-medium', 'us-central1-a', undefined],
    ['e2-medium', 'mars-north1', undefined],
  ])('%s in %s: %s', (type, location, expected) => {
    expect(machineTypeAvailabilityProblem(type, location)).toBe(expected);
  });
});

describe('suggest', () => {
  test.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  test('closest takes the nearest within max(2, length/4) edits', () => {
    expect(closest('zoen', ['zone', 'region'])).toBe('zone');
    expect(closest('xyz', ['zone', 'region'])).toBeUndefined();
  });
});
