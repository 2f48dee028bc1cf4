import { readAsset, terraformLiteral } from '../../lib/assets';

describe('terraformLiteral', () => {
  test('escapes interpolations and directives so Terraform keeps them as text', () => {
    expect(terraformLiteral('echo "${HOME}" %{if x} $1 $$ 100%')).toBe('echo "$${HOME}" %%{if x} $1 $$ 100%');
  });
});

describe('readAsset', () => {
  test('reads a file by its path from the repository root', () => {
    expect(readAsset('lib/iris/assets/startup.sh')).toMatch(/^#!\/bin\/bash\n/);
  });
});
