import { recordTokenCreationStacks } from '../lib/app/token-stacks';

// Tests assert on synthesized output, not on the error of a token that fails to resolve: no creation stacks, whose
// frames would each be mapped back to TypeScript through source maps (stack tests three to four times slower).
recordTokenCreationStacks(false);
