import tseslint from 'typescript-eslint';

/** Provider barrels load 1,474 modules (2 s, 450 MB per process): import each class from its own file. */
const PROVIDER_BARRELS = ['google', 'kubernetes', 'helm', 'random'].map((name) => ({
  name: `@cdktf/provider-${name}`,
  message: `Import from @cdktf/provider-${name}/lib/<resource> (the barrel costs 2 s and 450 MB per process).`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', '.build/', '.tmp/', 'coverage/', 'dist/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PROVIDER_BARRELS,
          patterns: [
            {
              group: ['@cdktf/provider-*/lib/index', '@cdktf/provider-*/lib/lazy-index', '@kubernetes-models/*/index'],
              message: 'Import the one resource or kind you use, by its own path.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
