import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import polylab from './eslint-rules/index.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'web/dist/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure rooms (and the engine, analytics, read model and simulator above them) never read the clock, randomness, env, or do I/O (docs/architecture.md).
    files: [
      'src/core/**',
      'src/pricing/**',
      'src/strategy/**',
      'src/paper/**',
      'src/engine/**',
      'src/analytics/**',
      'src/views/**',
      'src/sim/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'fs',
            'net',
            'http',
            'https',
            'ws',
            'fastify',
            'better-sqlite3',
            '*/net/*',
            '*/venues/*',
            '*/polymarket/*',
            '*/journal/*',
            '*/capture/*',
            '*/api/*',
            '*/history/*',
            '*/app/*',
            '*/sweep/*',
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core is clock-free: take time from inputs' },
        { object: 'Math', property: 'random', message: 'core is deterministic: use a seeded PRNG' },
        { object: 'process', property: 'env', message: 'config is read in cli.ts only' },
        { object: 'performance', property: 'now', message: 'core is clock-free' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core is clock-free' },
      ],
    },
  },
  {
    // Safety (README): every outbound request and socket send in src is provably a read.
    // Type-aware: the rule follows constants, aliases, parameters and members with the
    // TypeScript checker (eslint-rules/read-only-network.js); test/unit/safety.test.ts keeps
    // the text checks as a second net, and test/unit/safety-rule.test.ts plants violations.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { polylab },
    rules: {
      'polylab/read-only-network': [
        'error',
        { scope: ['src'], serverFiles: ['src/api'], authFrameFiles: ['src/polymarket/wire/polyboltAuth.ts'] },
      ],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['bin/**/*.mjs', 'eslint-rules/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
