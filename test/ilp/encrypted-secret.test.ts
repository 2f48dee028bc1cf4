import { spawnSync } from 'node:child_process';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { gcpKmsEncryptedSecret } from '../../lib/ilp/encrypted-secret';

/** The value as Terraform JSON carries it (one string with an interpolation). */
function synthesized(value: string): string {
  const stack = new TerraformStack(Testing.app(), 'test');
  new TerraformOutput(stack, 'secret', { value });
  return (JSON.parse(Testing.synth(stack)) as { output: { secret: { value: string } } }).output.secret.value;
}

/**
 * What EncryptedSecret.fromEncodedValue (interledger4j/ilpv4-connector v0.5.1, connector-crypto) takes from the value:
 * seven fields split on ':', the key ring lower-cased, the ciphertext base64url-decoded.
 */
function connectorParse(encoded: string) {
  const fields = encoded.split(':');
  if (fields.length !== 7 || fields[0] !== 'enc') throw new Error(`not an encrypted secret: ${encoded}`);
  const [, platform, keyRing, key, version, algorithm, data] = fields;
  if (!/^[A-Za-z0-9_-]+=*$/.test(data)) throw new Error(`not base64url: ${data}`);
  return { platform, keyRing: keyRing.toLowerCase(), key, version: Number(version), algorithm, ciphertext: Buffer.from(data, 'base64url') };
}

const terraform = spawnSync('terraform', ['version']).status === 0;

describe("the connector's KMS-encrypted secret", () => {
  // Bytes whose standard base64 holds both '+' and '/', the characters base64url replaces.
  const ciphertext = Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x00, 0x10]);

  test('the form the connector parses: gcpkms, key ring, key, a version, gs, and the data', () => {
    const value = synthesized(gcpKmsEncryptedSecret({ keyRing: 'connector', key: 'secret0', ciphertext: ciphertext.toString('base64') }));
    expect(ciphertext.toString('base64')).toBe('+/+/PgAQ');
    expect(value).toBe('enc:gcpkms:connector:secret0:1:gs:${replace(replace("+/+/PgAQ", "+", "-"), "/", "_")}');
  });

  (terraform ? test : test.skip)('Terraform turns the base64 of KMS into the base64url the connector decodes (terraform console)', () => {
    const value = synthesized(gcpKmsEncryptedSecret({ keyRing: 'connector', key: 'secret0', ciphertext: ciphertext.toString('base64') }));
    const run = spawnSync('terraform', ['console'], {
      // A quoted HCL template: the expression inside ${} keeps its own quotes, as Terraform reads it from JSON.
      input: `"${value}"`,
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    expect(run.stderr).toBe('');
    const parsed = connectorParse(JSON.parse(run.stdout.trim()) as string);
    expect(parsed).toEqual({ platform: 'gcpkms', keyRing: 'connector', key: 'secret0', version: 1, algorithm: 'gs', ciphertext });
  });

  test('a key ring with capitals is refused: the connector would look for its lower-case name', () => {
    expect(() => gcpKmsEncryptedSecret({ keyRing: 'Connector', key: 'secret0', ciphertext: 'AA==' })).toThrow(
      'the key ring of a connector secret must be lower case (got "Connector")',
    );
  });
});
