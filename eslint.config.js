// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['src/**/*.generated.js', 'dist/**', 'node_modules/**', 'coverage/**', 'examples/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The layers of design.md: imports only point down entry → app → platform → report → checks and what
    // they stand on (vulns, images, oci, sbom) → the ground floor (core, policy, repo). No cycles anywhere.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/!(entry)/**', from: './src/entry', message: 'Only the entry points use src/entry.' },
            {
              target: './src/!(entry|app)/**',
              from: './src/app',
              message: 'The pipeline is called by the entry points only.',
            },
            {
              target: './src/!(entry|app|platform)/**',
              from: './src/platform',
              message:
                'Only the pipeline talks to platforms; hand checks and reports plain data (the check context, the report model).',
            },
            {
              target: './src/!(entry|app|platform|report)/**',
              from: './src/report',
              message: 'Checks and the ground floor never depend on how results are rendered.',
            },
            {
              target: ['./src/core/**', './src/policy/**', './src/repo/**'],
              from: ['./src/checks', './src/vulns', './src/images', './src/oci', './src/sbom'],
              message: 'core, policy and repo are the ground floor: they import nothing above them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
