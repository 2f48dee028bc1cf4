import { Fn } from 'cdktf';

export interface GcpKmsSecretOptions {
  /** Key ring id; the connector lower-cases it, so it must be lower case already. */
  readonly keyRing: string;
  /** Crypto key id (the connector's alias, such as secret0). */
  readonly key: string;
  /** Base64 (standard alphabet) of the ciphertext Cloud KMS Encrypt returned, as google_kms_secret_ciphertext gives it. */
  readonly ciphertext: string;
}

/**
 * A secret the connector decrypts with Cloud KMS at start, in the form EncryptedSecret.fromEncodedValue parses
 * (interledger4j/ilpv4-connector v0.5.1, connector-crypto): `enc:gcpkms:<key ring>:<key>:<version>:gs:<ciphertext>`,
 * split on ':', with the ciphertext in base64url. GcpEncryptionService decrypts with the crypto key (any of its
 * versions, no additional authenticated data) in the project and location of the connector's config, so the version
 * field only has to be a number.
 */
export function gcpKmsEncryptedSecret(options: GcpKmsSecretOptions): string {
  if (options.keyRing !== options.keyRing.toLowerCase()) {
    throw new Error(`the key ring of a connector secret must be lower case (got "${options.keyRing}")`);
  }
  const base64url = Fn.replace(Fn.replace(options.ciphertext, '+', '-'), '/', '_');
  return `enc:gcpkms:${options.keyRing}:${options.key}:1:gs:${base64url}`;
}
