import { Intrinsic } from 'cdktf/lib/tokens/private/intrinsic';
import { recordTokenCreationStacks } from '../../lib/app/token-stacks';

describe('token creation stacks', () => {
  // test/setup.ts turns them off for every test file.
  afterEach(() => recordTokenCreationStacks(false));

  test('recorded when on: a token names the function that created it', () => {
    recordTokenCreationStacks(true);
    const createsAToken = () => new Intrinsic('value');
    expect(createsAToken().creationStack.join('\n')).toMatch(/createsAToken/);
  });

  test('not recorded when off, as npm run synth runs unless SYNTH_TOKEN_STACKS=1', () => {
    recordTokenCreationStacks(false);
    expect(new Intrinsic('value').creationStack).toEqual([]);
  });
});
