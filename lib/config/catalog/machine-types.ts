/**
 * Compute Engine machine series: their predefined shapes and the rules for custom shapes.
 *
 * Sources, taken 2026-12-01:
 * - series names: the "Machine types" column of https://cloud.google.com/compute/docs/regions-zones (zone-families.ts);
 * - predefined shapes: Machine families resource guide, https://cloud.google.com/compute/docs/machine-resource
 *   (and the general-purpose, compute-, memory- and accelerator-optimized pages it links);
 * - custom shapes: Google's sample "Create VMs with custom machine types"
 *   (https://cloud.google.com/compute/docs/samples/compute-custom-machine-type-helper-class): N1, N2, N2D and E2 limits.
 * Series in SERIES_WITHOUT_SHAPES are known by name only: any `<series>-...` name is accepted for them.
 * N4 custom shapes are accepted by form (n4-custom-VCPUS-MEMORY, memory a multiple of 256 MB): their limits were not
 * sourced.
 * Refresh: gcloud compute machine-types list --zones=us-central1-a --format='value(name)' | sort
 */

/** Predefined shapes per series: `kind sizes... [-suffix]` expands to `<series>-<kind>-<size><suffix>`. */
export const SERIES_SHAPES: Readonly<Record<string, readonly string[]>> = {
  e2: ['standard 2 4 8 16 32', 'highmem 2 4 8 16', 'highcpu 2 4 8 16 32'],
  n1: ['standard 1 2 4 8 16 32 64 96', 'highmem 2 4 8 16 32 64 96', 'highcpu 2 4 8 16 32 64 96'],
  n2: ['standard 2 4 8 16 32 48 64 80 96 128', 'highmem 2 4 8 16 32 48 64 80 96 128', 'highcpu 2 4 8 16 32 48 64 80 96'],
  n2d: [
    'standard 2 4 8 16 32 48 64 80 96 128 224',
    'highmem 2 4 8 16 32 48 64 80 96',
    'highcpu 2 4 8 16 32 48 64 80 96 128 224',
  ],
  n4: ['standard 2 4 8 16 32 48 64 80', 'highmem 2 4 8 16 32 48 64 80', 'highcpu 2 4 8 16 32 48 64 80'],
  c2: ['standard 4 8 16 30 60'],
  c2d: ['standard 2 4 8 16 32 56 112', 'highmem 2 4 8 16 32 56 112', 'highcpu 2 4 8 16 32 56 112'],
  c3: [
    'standard 4 8 22 44 88 176',
    'highmem 4 8 22 44 88 176',
    'highcpu 4 8 22 44 88 176',
    'standard 4 8 22 44 88 176 -lssd',
    'standard 192 -metal',
    'highmem 192 -metal',
    'highcpu 192 -metal',
  ],
  c3d: [
    'standard 4 8 16 30 60 90 180 360',
    'highmem 4 8 16 30 60 90 180 360',
    'highcpu 4 8 16 30 60 90 180 360',
    'standard 8 16 30 60 90 180 360 -lssd',
    'highmem 8 16 30 60 90 180 360 -lssd',
  ],
  c4: [
    'standard 2 4 8 16 24 32 48 96 144 192 288',
    'highmem 2 4 8 16 24 32 48 96 144 192 288',
    'highcpu 2 4 8 16 24 32 48 96 144 192 288',
    'standard 4 8 16 24 32 48 96 144 192 288 -lssd',
    'highmem 4 8 16 24 32 48 96 144 192 288 -lssd',
    'standard 288 -metal',
    'highmem 288 -metal',
    'standard 288 -lssd-metal',
    'highmem 288 -lssd-metal',
  ],
  t2d: ['standard 1 2 4 8 16 32 48 60'],
  t2a: ['standard 1 2 4 8 16 32 48'],
  m1: ['ultramem 40 80 160', 'megamem 96'],
  m2: ['ultramem 208 416', 'megamem 416', 'hypermem 416'],
  m3: ['ultramem 32 64 128', 'megamem 64 128'],
  a2: ['highgpu 1g 2g 4g 8g', 'megagpu 16g', 'ultragpu 1g 2g 4g 8g'],
  g2: ['standard 4 8 12 16 24 32 48 96'],
};

/** Shared-core types and the series whose availability they follow (f1-micro and g1-small are N1). */
export const SHARED_CORE: Readonly<Record<string, string>> = {
  'e2-micro': 'e2',
  'e2-small': 'e2',
  'e2-medium': 'e2',
  'f1-micro': 'n1',
  'g1-small': 'n1',
};

/** Series the regions-zones page lists whose shapes this catalog does not hold. */
export const SERIES_WITHOUT_SHAPES: readonly string[] = [
  'c4a', 'c4d', 'c4n', 'n4a', 'n4d', 'h3', 'h4d', 'x4', 'z3', 'm4', 'm4n', 'a3', 'a4', 'a4x', 'g4',
];

export interface CustomRule {
  /** Series name as the docs write it. */
  readonly label: string;
  readonly vcpus: (count: number) => boolean;
  readonly vcpuText: string;
  readonly minMbPerVcpu: number;
  readonly maxMbPerVcpu: number;
  /** Cap on total memory without -ext. */
  readonly maxTotalMb?: number;
  /** Total memory allowed with the -ext (extended memory) suffix; absent: no extended memory. */
  readonly extendedMaxMb?: number;
}

const even = (min: number, max: number) => (n: number) => n >= min && n <= max && n % 2 === 0;

/**
 * Custom shape rules: `custom-V-M[-ext]` (N1), `<series>-custom-V-M[-ext]`, `e2-custom-<micro|small|medium>-M`.
 * Memory in MB, always a multiple of 256 MB. E2's 128 GB cap is from the E2 docs, not the sample.
 */
export const CUSTOM_RULES: Readonly<Record<string, CustomRule>> = {
  n1: {
    label: 'N1',
    vcpus: (n) => n === 1 || even(2, 96)(n),
    vcpuText: '1 or an even number of vCPUs up to 96',
    minMbPerVcpu: 922,
    maxMbPerVcpu: 6656,
    extendedMaxMb: 624 * 1024,
  },
  n2: {
    label: 'N2',
    vcpus: (n) => even(2, 32)(n) || (n >= 36 && n <= 128 && n % 4 === 0),
    vcpuText: '2-32 vCPUs in steps of 2, or 36-128 in steps of 4',
    minMbPerVcpu: 512,
    maxMbPerVcpu: 8192,
    extendedMaxMb: 624 * 1024,
  },
  n2d: {
    label: 'N2D',
    vcpus: (n) => [2, 4, 8, 16, 32, 48, 64, 80, 96].includes(n),
    vcpuText: '2, 4, 8, 16, 32, 48, 64, 80 or 96 vCPUs',
    minMbPerVcpu: 512,
    maxMbPerVcpu: 8192,
    extendedMaxMb: 768 * 1024,
  },
  e2: {
    label: 'E2',
    vcpus: even(2, 32),
    vcpuText: '2-32 vCPUs in steps of 2',
    minMbPerVcpu: 512,
    maxMbPerVcpu: 8192,
    maxTotalMb: 128 * 1024,
  },
};

/** E2 shared-core custom shapes: total memory range in MB. */
export const E2_SHARED_CUSTOM: Readonly<Record<string, readonly [number, number]>> = {
  micro: [1024, 2048],
  small: [2048, 4096],
  medium: [4096, 8192],
};
