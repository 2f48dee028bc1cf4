import { stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { importsOf, seedNamesConfig } from '../support/adopt';
import { buildApp, exampleConfig } from '../support/app';

/** The page's config (docs/blueprints/state-bootstrap.md): the IRIS article's bucket as stateBucket. */
const seedNames = seedNamesConfig('state-bootstrap');

function warningsOf(stateBootstrap: Record<string, unknown> = {}): string[] {
  const config = exampleConfig({ ...seedNames, stateBootstrap: { ...seedNames.stateBootstrap, ...stateBootstrap } });
  return parseConfig(stringify(config)).warnings.filter((w) => w.startsWith('stateBootstrap.adoptExisting:'));
}

describe('state-bootstrap adoptExisting', () => {
  test('the article bucket is imported as {{project_id}}/{{bucket}} (storage_bucket.html.markdown, v6.50.0)', () => {
    const json = buildApp(exampleConfig(seedNames)).json('state-bootstrap');
    expect(importsOf(json)).toEqual({
      'google_storage_bucket.state': 'example-project-123/isc-mirror-demo-terraform-example-project-123',
    });
    expect(json.resource?.google_storage_bucket?.state?.name).toBe('isc-mirror-demo-terraform-example-project-123');
  });

  test('adoptExisting off (config/example.yaml as is): no import block', () => {
    expect(buildApp(exampleConfig()).json('state-bootstrap').import).toBeUndefined();
  });

  test('a location other than the region forces replacement and warns; the region itself does not', () => {
    expect(warningsOf()).toEqual([]);
    expect(warningsOf({ location: 'us-central1' })).toEqual([]);
    const [warning, ...rest] = warningsOf({ location: 'EU' });
    expect(rest).toEqual([]);
    expect(warning).toMatch(
      /^stateBootstrap\.adoptExisting: google_storage_bucket isc-mirror-demo-terraform-example-project-123: location is us-central1 as the seed created it and EU here, .*prevent_destroy.*leave stateBootstrap\.location unset/,
    );
    // The article's REGION is the reader's: a bucket that is in EU already is not replaced, and the warning says so.
    expect(warning).toContain(
      "check with gcloud storage buckets describe gs://isc-mirror-demo-terraform-example-project-123 --format='value(location)': " +
        'if it prints EU, nothing is replaced and this warning does not apply. Otherwise',
    );
  });
});
