import { ConfigError } from '../../lib/config/errors';
import { parseConfig } from '../../lib/config/load';
import { credentialAssignment, credentialKind, credentialKindOfKey, freeFormCredentialMessage } from '../../lib/config/secrets';
import { configProblems, sectionProblems } from '../support/config';

const VALID = `
projectId: my-project-123
region: us-central1
environment: dev
stateBucket: my-project-123-tfstate
`;
const ILP = `${VALID}ilpConnector:
  connector:
    nodeIlpAddress: test.my-connector
`;
const ADVICE = 'not shown; keep secrets in Secret Manager, not in config';
const REDIS_KEYS = 'instanceName, tier, memorySizeGb, version, authEnabled, transitEncryption';

// Made-up credentials in the shapes the detector knows; none is real.
const PEM = '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx4bD\\n-----END RSA PRIVATE KEY-----';
const OPENSSH = '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\\n-----END OPENSSH PRIVATE KEY-----';
const SERVICE_ACCOUNT = '{\\"type\\": \\"service_account\\", \\"project_id\\": \\"p\\", \\"private_key_id\\": \\"0a1b\\"}';
const GITHUB = `ghp_${'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'}`;
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const SLACK = 'xoxb-123456789012-abcdefghijKLMN';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const RANDOM = 'q8Vz3LmR7tK2pX9wN4bH6cJ1dF5gS0aYeU';

describe('credentials are never echoed', () => {
  test('the issue: skypilot.web.password', () => {
    expect(configProblems(`${VALID}skypilot:\n  web:\n    password: hunter2hunter2\n`)).toEqual([
      expect.stringMatching(
        /^skypilot\.web\.password: unknown key; allowed here: .*passwordSecretId.* \(got a value that looks like a password: not shown; keep secrets in Secret Manager, not in config\)$/,
      ),
    ]);
  });

  test.each([
    ['password', 'hunter2hunter2', 'a password'],
    ['passwd', 'hunter2', 'a password'],
    ['DB_PASSWORD', 'hunter2', 'a password'],
    ['secret', 'open sesame', 'a secret'],
    ['clientSecret', 'abc123', 'a secret'],
    ['token', 'abc123', 'a token'],
    ['authToken', 'abc123', 'a token'],
    ['apiKey', 'abc123', 'an API key'],
    ['api_key', 'abc123', 'an API key'],
    ['privateKey', 'abc123', 'a private key'],
    ['private_key', 'abc123', 'a private key'],
    ['credentials', 'user:pass', 'a credentials'],
    ['auth', 'user:pass', 'a credential'],
    ['password', '123456', 'a password'],
    ['credentials', '{ user: admin, pass: x }', 'a credentials'],
  ])('by key: an unknown key %s masks its value %s', (key, value, kind) => {
    expect(sectionProblems(ILP, `redis:\n  ${key}: ${value}`)).toEqual([
      `ilpConnector.redis.${key}: unknown key; allowed here: ${REDIS_KEYS} (got a value that looks like ${kind}: ${ADVICE})`,
    ]);
  });

  test.each([
    ['a PEM private key', `"${PEM}"`, 'a private key'],
    ['an OpenSSH private key', `"${OPENSSH}"`, 'a private key'],
    ['a service-account JSON key', `"${SERVICE_ACCOUNT}"`, 'a service account key'],
    ['a GitHub token', GITHUB, 'a GitHub token'],
    ['an AWS access key', AWS, 'an AWS access key'],
    ['a Slack token', SLACK, 'a Slack token'],
    ['a JWT', JWT, 'a JSON Web Token'],
    ['a long random string', RANDOM, 'a token'],
    ['a URL with a password', 'postgres://admin:hunter2@10.0.0.5/db', 'a URL with a password'],
    ['a credential assignment', '"-Dspring.datasource.password=hunter2"', 'a password'],
  ])('by content: %s under a harmless key is masked', (_name, value, kind) => {
    const got = `(got a value that looks like ${kind}: ${ADVICE})`;
    expect(sectionProblems(ILP, `redis:\n  notes: ${value}`)).toEqual([
      `ilpConnector.redis.notes: unknown key; allowed here: ${REDIS_KEYS} ${got}`,
    ]);
    // A declared key that holds no secret: the content alone decides.
    expect(configProblems(VALID.replace('projectId: my-project-123', `projectId: ${value}`))).toEqual([
      `projectId: must be a project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen ${got}`,
    ]);
  });

  test('a service-account key pasted as YAML is masked as a whole', () => {
    expect(configProblems(`${VALID}gcpKey:\n  type: service_account\n  private_key_id: 0a1b\n  client_email: a@b.iam\n`)).toEqual([
      expect.stringMatching(/^gcpKey: unknown key; allowed here: .* \(got a value that looks like a service account key: not shown; .*\)$/),
    ]);
  });

  test('the issue: a private key pasted as ssh.publicKey', () => {
    const problems = configProblems(`${VALID}irisMirror:\n  ssh:\n    publicKey: "${OPENSSH}"\n`);
    expect(problems).toContain(
      `irisMirror.ssh.publicKey: must be one OpenSSH public key line (got a value that looks like a private key: ${ADVICE})`,
    );
    expect(problems.join('\n')).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmU');
  });

  test('the error object itself carries no credential', () => {
    try {
      parseConfig(`${VALID}skypilot:\n  web:\n    password: hunter2hunter2\n`, 'test.yaml');
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(JSON.stringify((error as ConfigError).problems)).not.toContain('hunter2');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  test.each([
    ['notes', 'hunter2hunter2', '"hunter2hunter2"'],
    ['webPasswordSecretId', 'skypilot-web', '"skypilot-web"'],
    ['tokenFile', '/etc/token', '"/etc/token"'],
    ['authMode', 'basic', '"basic"'],
    ['password', 'true', 'true'],
    ['publicKey', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me', '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9...'],
  ])('a normal value is still shown: %s: %s', (key, value, shown) => {
    expect(sectionProblems(ILP, `redis:\n  ${key}: ${value}`)).toEqual([
      `ilpConnector.redis.${key}: unknown key; allowed here: ${REDIS_KEYS} (got ${shown})`,
    ]);
  });

  test('a declared key named like a secret shows its value: it names a secret, it is not one', () => {
    expect(sectionProblems(ILP, 'redis:\n  authEnabled: maybe')).toEqual([
      'ilpConnector.redis.authEnabled: must be a boolean (got "maybe")',
    ]);
    expect(sectionProblems(ILP, 'kms:\n  key: Not_A_Key')).toEqual([
      expect.stringMatching(/^ilpConnector\.kms\.key: .* \(got "Not_A_Key"\)$/),
    ]);
  });
});

describe('free-form strings that reach a workload refuse credentials', () => {
  const WHERE = 'the connector reads its passwords from Kubernetes Secrets made from Secret Manager';
  const masked = (kind: string) => `(got a value that looks like ${kind}: ${ADVICE})`;

  test.each([
    ['-Xmx512m -Dspring.datasource.password=hunter2', 'a password (-Dspring.datasource.password=...)', 'a password'],
    ['-Xmx512m --password=hunter2', 'a password (--password=...)', 'a password'],
    ['PASSWORD=hunter2', 'a password (PASSWORD=...)', 'a password'],
    ['-Djavax.net.ssl.keyStorePassword=changeit', 'a password (-Djavax.net.ssl.keyStorePassword=...)', 'a password'],
    ['-Dinterledger.connector.adminPassword=x -Xmx1g', 'a password (-Dinterledger.connector.adminPassword=...)', 'a password'],
    ['-Dapp.api-key=abc', 'an API key (-Dapp.api-key=...)', 'an API key'],
    [`-Dgithub.token ${GITHUB}`, 'a token (-Dgithub.token ...)', 'a GitHub token'],
    ['--auth-token abc123', 'a token (--auth-token ...)', 'a token'],
  ])('javaOptions %s', (options, what, kind) => {
    expect(sectionProblems(ILP, `  javaOptions: '${options}'`)).toEqual([
      `ilpConnector.connector.javaOptions: must not set ${what}: ${WHERE} ${masked(kind)}`,
    ]);
  });

  test('a credential by content alone', () => {
    expect(sectionProblems(ILP, `  javaOptions: '-Xmx1g ${AWS}'`)).toEqual([
      `ilpConnector.connector.javaOptions: must not hold an AWS access key: ${WHERE} ${masked('an AWS access key')}`,
    ]);
  });

  test.each([
    '-Xmx512m',
    '-Xmx1g -XX:+UseG1GC -Dlogging.level.root=INFO',
    '-Dspring.datasource.password=${DB_PASSWORD}',
    '-Dspring.datasource.passwordFile=/var/run/secrets/db',
    '-Dinterledger.connector.keystore.passwordSecretId=connector-keystore',
    '-Dspring.profiles.active=gcp-kms,token-auth',
  ])('JVM options without a credential pass: %s', (options) => {
    expect(sectionProblems(ILP, `  javaOptions: '${options}'`)).toEqual([]);
  });

  test('the exported check, for other free-form fields', () => {
    expect(freeFormCredentialMessage('--db-password=x', 'use Secret Manager')).toBe('must not set a password (--db-password=...): use Secret Manager');
    expect(freeFormCredentialMessage('--verbose --port=8080', 'use Secret Manager')).toBeUndefined();
    expect(credentialAssignment('export API_TOKEN=abc')).toEqual({ name: 'API_TOKEN', shown: 'API_TOKEN=...', kind: 'token' });
  });
});

describe('the detector', () => {
  test.each([
    ['password', 'password'],
    ['webPassword', 'password'],
    ['PGPASSWORD', 'password'],
    ['api_key', 'API key'],
    ['AWS_SECRET_ACCESS_KEY', 'access key'],
    ['private_key', 'private key'],
    ['basicAuth', 'credential'],
    ['passwordSecretId', undefined],
    ['sshAuthorizedKeySecretName', undefined],
    ['authMode', undefined],
    ['authEnabled', undefined],
    ['keyRing', undefined],
    ['serviceAccountKey', undefined],
    ['zone', undefined],
  ])('key %s', (key, kind) => {
    expect(credentialKindOfKey(key)).toBe(kind);
  });

  test('values: booleans, empty strings and plain names are never credentials', () => {
    expect(credentialKind(true, 'password')).toBeUndefined();
    expect(credentialKind('', 'password')).toBeUndefined();
    expect(credentialKind('us-central1-a')).toBeUndefined();
    expect(credentialKind('docker.io/interledger4j/java-ilpv4-connector:0.5.1')).toBeUndefined();
    expect(credentialKind(`docker.io/envoyproxy/envoy@sha256:${'a1b2c3d4'.repeat(8)}`)).toBeUndefined();
    expect(credentialKind(['a', { nested: { password: 'x' } }])).toBe('password');
  });

  test('a Google resource name is long and mixed-case, but not a token; a random string with slashes still is', () => {
    expect(credentialKind('projects/k/locations/europe-west1/keyRings/iris/cryptoKeys/disks')).toBeUndefined();
    expect(credentialKind('projects/my-project-123/secrets/iris-license/versions/latest')).toBeUndefined();
    expect(credentialKind('q8Zr/T2vLp9XwKd4/Hs7BnYc3MeJ0aFgU1tRiO6lVxQ')).toBe('token');
  });
});
