#!/usr/bin/env node
import { main } from '../lib/cli/run.js';
import { writeLine } from '../lib/cli/print.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    writeLine(process.stderr, `mirror-validate: internal error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
