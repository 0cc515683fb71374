/**
 * The CLI entry as a user runs it, plus one last stderr line with the process's peak resident
 * memory (`[maxrss-kib] N`), for the bounded-memory tests. Run: `node --import tsx test/faults/rss-cli.ts ARGS`.
 */
import { main } from '../../lib/cli/run.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
process.stderr.write(`[maxrss-kib] ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
