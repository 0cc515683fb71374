// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'fs/*', 'node:fs', 'node:fs/*', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'tls', 'node:tls', 'child_process', 'node:child_process', 'undici', 'undici/*',
  'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-sdk/*', '@middy/*',
];

export default tseslint.config(
  { ignores: ['dist/', 'cdk.out/', 'node_modules/', '.tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The pure core: parsing, references, manifests, comparison, report. No I/O of any kind.
    files: ['lib/core/**/*.ts', 'lib/check/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ioModules, message: 'lib/core and lib/check are pure: no I/O, AWS, CDK or undici imports.' }],
      }],
    },
  },
);
