/**
 * No secret in any output: runs of the CLI against the basic-auth (`tls`) and bearer-token
 * (`token`) registries with credentials, at `--debug`, success and failure paths (wrong
 * passwords, denied scopes), scanning stderr, the JSON/JUnit/HTML reports and the failed file
 * for every password, every base64 `user:pass` and any JWT the token server issues.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { fetchToken } from '../../testbed/registry-client.js';
import { scenario } from '../../testbed/scenarios.js';
import { runCli } from '../e2e/cli-helpers.js';
import { standardScenarios } from './fault-kit.js';
import { tempDir } from './spawn-cli.js';

const regs = inject('registries');
const all = inject('scenarios');
const WRONG = 'wr0ng-Pa55word-7c1f';

const b64 = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');
const secrets = [
  regs.tls.password!, regs.token.password!, regs.token.limitedPassword!, WRONG,
  b64(regs.tls.username!, regs.tls.password!), b64(regs.token.username!, regs.token.password!),
  b64(regs.token.limitedUsername!, regs.token.limitedPassword!), b64(regs.tls.username!, WRONG), b64(regs.token.username!, WRONG),
];
/** Issued tokens are JWTs: base64url JSON, which always starts `eyJ`. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}|[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/;

interface Scanned { readonly text: string; readonly stderr: string; readonly results: { status: string; code: string | null; message: string }[] }

/** Runs the CLI at --debug and returns everything it printed or wrote (JSON, JUnit and HTML reports, failed file). */
async function scan(lines: readonly string[], env: Record<string, string>): Promise<Scanned> {
  const extra = await tempDir();
  const run = await runCli(lines, ['--debug', '--tls-verify=false', '-j', '4',
    '--report', path.join(extra, 'r.xml'), '--report', path.join(extra, 'r.html')], env);
  const files = [
    ...(await readdir(run.dir)).map((f) => path.join(run.dir, f)),
    ...(await readdir(extra)).map((f) => path.join(extra, f)),
  ];
  const contents = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const report = await run.report();
  return { text: [run.stderr, ...contents].join('\n'), stderr: run.stderr, results: report.results as Scanned['results'] };
}

function expectClean(out: Scanned): void {
  for (const secret of secrets) expect(out.text.includes(secret), `output contains ${secret.slice(0, 3)}…`).toBe(false);
  expect(out.text).not.toMatch(JWT);
  expect(out.text).not.toMatch(/authorization:\s*(basic|bearer)\s+[a-z0-9]/i);
}

describe('secrets never reach outputs', () => {
  it('the token server issues JWTs (so scanning for eyJ finds any token)', async () => {
    const token = await fetchToken({ reg: regs.token }, 'public/token-public-source', 'pull');
    expect(token).toMatch(/^eyJ/);
    expect(token).toMatch(JWT);
  });

  it('basic auth (tls registry), PASS and FAILED lines, --debug', async () => {
    const lines = standardScenarios(all).map((s) => s.listLine);
    const out = await scan(lines, { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! });
    expect(out.stderr).toMatch(/\[DEBUG\] GET https?:\/\/127\.0\.0\.1/);
    expect(out.results.map((r) => r.status)).toEqual(expect.arrayContaining(['PASS', 'FAILED']));
    expectClean(out);
  });

  it('bearer tokens (token registry) on both sides, --debug', async () => {
    const lines = ['token-dest', 'token-public-source'].map((n) => scenario(all, n).listLine);
    const out = await scan(lines, {
      SOURCE_USERNAME: regs.token.username!, SOURCE_PASSWORD: regs.token.password!,
      DEST_USERNAME: regs.token.username!, DEST_PASSWORD: regs.token.password!,
    });
    expect(out.stderr).toMatch(/\[DEBUG\] GET https:\/\/127\.0\.0\.1:\d+\/token/);
    expect(out.results.map((r) => r.status)).toEqual(['PASS', expect.any(String)]);
    expectClean(out);
  });

  const failures: [string, string, Record<string, string>][] = [
    ['wrong password, basic auth', 'single-identical', { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: WRONG }],
    ['wrong password, token exchange', 'token-dest', { DEST_USERNAME: regs.token.username!, DEST_PASSWORD: WRONG }],
    ['token granted without the scope', 'token-dest-limited-denied',
      { DEST_USERNAME: regs.token.limitedUsername!, DEST_PASSWORD: regs.token.limitedPassword! }],
  ];
  it.each(failures)('%s: ERROR AUTH with a clean message', async (_name, name, env) => {
    const out = await scan([scenario(all, name).listLine], env);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ status: 'ERROR', code: 'AUTH' });
    expect(out.results[0]!.message).toMatch(/denied|rejected/);
    expectClean(out);
  });
});
