// Lint rules that catch mistakes the compiler does not; layout is prettier's job (eslint-config-prettier
// turns off every rule it would fight with). Not type-aware: on two cores, type-aware linting would double
// the time of `npm test` for rules tsc --strict mostly covers already.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-*/', 'data/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A `let` read by a closure made before its one assignment (a timer handle, a cancel function) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore is how this codebase says "deliberately unused" (a destructured field left out,
      // a callback's argument that the signature requires).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Specs and their worlds read arbitrary JSON (exports, CLI output) field by field; typing every shape there would test the types, not the code.
    files: ['**/*.spec.ts', '**/*.test-world.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The agent inbox runs in the browser.
    files: ['apps/inbox/**/*.{ts,tsx,mjs}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // CommonJS entry points of child processes (they load the TypeScript sources through a require hook).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
