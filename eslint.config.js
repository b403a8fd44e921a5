// ESLint: TypeScript and Svelte as typescript-eslint and eslint-plugin-svelte recommend them, and
// the rooms the project is built in (see README "How the work is done"): the renderer reaches only
// shared/; shared/ is pure; the engine imports nothing of the host; the host reaches the engine
// only through its protocol's types; formats/ sits below both. tests/unit/boundaries.test.ts
// holds the same rules, and also checks the built bundles.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const tensorflow = {
  group: ['@tensorflow/*', '@vladmandic/face-api', '@vladmandic/face-api/*', 'webgpu'],
  message: 'TensorFlow.js loads in engine processes only (electron/engine/).',
};

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', '.cache/', 'electron/engine/kernels/native/build/', 'renderer/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Unused arguments named _ are how a destructuring leaves a field out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } } },
  {
    // A Set or Map held in state is replaced whole when it changes (picked = new Set(picked)), or
    // is local to a function: Svelte's reactive collections would add nothing.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/electron/**', 'node:*', 'electron'], message: 'The renderer is untrusted: it reaches the studio through shared/contract.ts only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'electron', '**/electron/**', '**/renderer/**'], message: 'shared/ is pure: both sides import it.' }] },
      ],
    },
  },
  {
    files: ['electron/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '**/api/**', '**/server/**', '**/cli/**', '**/shell/**', 'electron'],
              message: 'The engine imports nothing of the host: what both use lives in electron/formats/ or shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/services/**', 'electron/api/**', 'electron/server/**', 'electron/cli/**', 'electron/shell/**', 'electron/main.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '!**/engine/protocol'],
              allowTypeImports: true,
              message: 'The host reaches the engine through its protocol: types here, code in engine processes.',
            },
            tensorflow,
          ],
        },
      ],
    },
  },
  {
    files: ['electron/formats/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/engine/**', '**/services/**'], allowTypeImports: true, message: 'formats/ sits below both the engine and the services.' },
            tensorflow,
          ],
        },
      ],
    },
  },
);
