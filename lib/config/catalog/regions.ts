/**
 * Google Cloud regions and the letters of their zones.
 *
 * Source: Google Cloud "Regions and zones", table "Available regions and zones"
 *   https://cloud.google.com/compute/docs/regions-zones (docs.cloud.google.com/compute/docs/regions-zones),
 *   taken 2026-12-01 from a stored Markdown copy of that page.
 * Only standard zones are listed; AI zones (such as us-west4-ai2b) are left out.
 *
 * Refresh (needs a project with the Compute Engine API on):
 *   gcloud compute zones list --format='value(name)' | sort
 * then rewrite REGION_ZONES (region -> its zone letters), update ZONE_FAMILIES in zone-families.ts from the
 * page's "Machine types" column, and set CATALOG_TAKEN_ON. test/config/catalog.test.ts fails once the date is
 * more than 12 months before its reference date and prints these steps.
 */
export const CATALOG_SOURCE = 'https://cloud.google.com/compute/docs/regions-zones';
export const CATALOG_TAKEN_ON = '2026-12-01';
export const CATALOG_REFRESH_COMMAND = "gcloud compute zones list --format='value(name)' | sort";

/** Region -> its zone letters, space-separated. */
export const REGION_ZONES: Readonly<Record<string, string>> = {
  'africa-south1': 'a b c',
  'asia-east1': 'a b c',
  'asia-east2': 'a b c',
  'asia-northeast1': 'a b c',
  'asia-northeast2': 'a b c',
  'asia-northeast3': 'a b c',
  'asia-south1': 'a b c',
  'asia-south2': 'a b c',
  'asia-southeast1': 'a b c',
  'asia-southeast2': 'a b c',
  'asia-southeast3': 'a b c',
  'australia-southeast1': 'a b c',
  'australia-southeast2': 'a b c',
  'europe-central2': 'a b c',
  'europe-north1': 'a b c',
  'europe-north2': 'a b c',
  'europe-southwest1': 'a b c',
  'europe-west1': 'b c d',
  'europe-west2': 'a b c',
  'europe-west3': 'a b c',
  'europe-west4': 'a b c',
  'europe-west6': 'a b c',
  'europe-west8': 'a b c',
  'europe-west9': 'a b c',
  'europe-west10': 'a b c',
  'europe-west12': 'a b c',
  'me-central1': 'a b c',
  'me-central2': 'a b c',
  'me-west1': 'a b c',
  'northamerica-northeast1': 'a b c',
  'northamerica-northeast2': 'a b c',
  'northamerica-south1': 'a b c',
  'southamerica-east1': 'a b c',
  'southamerica-west1': 'a b c',
  'us-central1': 'a b c f',
  'us-east1': 'b c d',
  'us-east4': 'a b c',
  'us-east5': 'a b c',
  'us-south1': 'a b c',
  'us-west1': 'a b c',
  'us-west2': 'a b c',
  'us-west3': 'a b c',
  'us-west4': 'a b c',
};
