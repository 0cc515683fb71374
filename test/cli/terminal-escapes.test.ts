/**
 * Control characters from list text and from registry answers (here a platform `variant`
 * carrying ESC and C1 sequences) never reach the terminal raw: the CLI prints them escaped,
 * and the Lambda JSON log lines carry them as `\uXXXX`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/serverless/logger.js';
import { escapeControls, jsonLine } from '../../lib/core/terminal.js';
import { runCli } from '../e2e/cli-helpers.js';
import { OCI_INDEX, sendManifest, sha256, startFake, type FakeServer } from '../registry/fake-server.js';

/** A C0 escape sequence (clear screen, set the window title) and a C1 CSI. */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\u009b31m\u0085';
// eslint-disable-next-line no-control-regex -- what must not appear
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function index(variant: string): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_INDEX,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(variant), size: 100,
      platform: { architecture: 'arm', os: 'linux', variant } }],
  }));
}

let registry: FakeServer;
beforeAll(async () => {
  registry = await startFake((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    const hostile = req.url?.startsWith('/v2/team/app/');
    sendManifest(req, res, index(hostile ? `v7${HOSTILE}` : 'v7'), OCI_INDEX);
  });
});
afterAll(async () => registry?.close());

describe('terminal escapes', () => {
  it('escapeControls shows C0, DEL and C1 characters as escapes and leaves other text alone', () => {
    expect(escapeControls(`a${HOSTILE}\u007f\n\tü€`)).toBe('a\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\x85\\x7f\\n\\tü€');
  });

  it('jsonLine leaves no C1, DEL or line separator raw, and parses back to the same value', () => {
    const value = { message: `x${HOSTILE}\u007f\u2028` };
    const line = jsonLine(value);
    expect(line).not.toMatch(RAW);
    expect(line).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('the CLI prints list text and a registry\'s variant escaped', async () => {
    const run = await runCli([
      `bad${HOSTILE}name x 1`,
      `${registry.host}/team/app ${registry.host}/team/mirror v1`,
    ], ['--tls-verify=false', '-a', 'arm', '--os', 'linux', '--debug']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/INVALID line 1/);
    expect(run.stderr).toMatch(/FAILED line 2 .*PLATFORM_MISMATCH/);
    expect(run.stderr.toLowerCase()).toContain('v7\\x1b[2j\\x1b]0;owned\\x07\\x9b31m\\x85'); // variants are compared lower-cased
    expect(run.stderr).not.toMatch(RAW);
  });

  it('Lambda log lines carry a hostile message escaped', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).error(`line 3: ${HOSTILE}`, { input: HOSTILE });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(RAW);
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: `line 3: ${HOSTILE}`, input: HOSTILE });
  });
});
