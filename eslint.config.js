// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'fs/*', 'node:fs', 'node:fs/*', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'tls', 'node:tls', 'child_process', 'node:child_process', 'undici', 'undici/*',
  'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-sdk/*', '@middy/*',
];

/** Where tests live: nothing outside test/ imports from it. */
const testCode = { group: ['**/test/**', '../test', '../../test'], message: 'Only tests import from test/. Shared registries and scenarios live in testbed/.' };
/** The test bed (real local registries, scenarios): tests, the demo and the benchmarks use it; shipped code never. */
const testbedCode = { group: ['**/testbed/**'], message: 'testbed/ is for tests, the demo and the benchmarks; it does not ship.' };

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
    // Shipped code: bin/, lib/, lambdas/.
    files: ['bin/**/*.ts', 'lib/**/*.ts', 'lambdas/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testCode, testbedCode] }] },
  },
  {
    // The pure core: parsing, references, manifests, comparison, report. No I/O of any kind.
    files: ['lib/core/**/*.ts', 'lib/check/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [testCode, testbedCode, { group: ioModules, message: 'lib/core and lib/check are pure: no I/O, AWS, CDK or undici imports.' }],
      }],
    },
  },
  {
    // The use cases (split, process, aggregate, local run): the outside world only through lib/ports.ts.
    files: ['lib/pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [testCode, testbedCode, {
          group: [...ioModules, '**/adapters/**', '**/registry/**', '**/engine/**', '**/serverless/**', '**/cli/**', '**/infra/**'],
          message: 'lib/pipeline reaches the world only through the ports (lib/ports.ts): no adapters, AWS SDK, I/O or outer layers.',
        }],
      }],
    },
  },
  {
    // The demo, the benchmarks and the test bed run without the test suite.
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'testbed/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testCode] }] },
  },
);
