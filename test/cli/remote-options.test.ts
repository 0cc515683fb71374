import { describe, expect, it } from 'vitest';
import { parseFetch, parseStatus, parseSubmit } from '../../lib/cli/remote-options.js';

describe('parseSubmit', () => {
  it('keeps the local flags and sends as metadata only the settings given', () => {
    const cfg = parseSubmit(['-f', 'l.txt', '--bucket', 'b', '-a', 'amd64', '--deep', '--report', 'r.html'], { DEST_REGISTRY: 'reg.example.com' });
    expect(cfg).toMatchObject({ bucket: 'b', prefix: 'lists/', wait: true, pollMs: 2000 });
    expect(cfg.local).toMatchObject({ file: 'l.txt', reportFiles: ['r.html'], failedFile: 'mirror-validate-failed.txt' });
    expect(cfg.metadata).toEqual({ destination: 'reg.example.com', arch: 'amd64', deep: 'true' });
  });

  it.each([
    [['--os', 'linux', '--default-project', 'mirror', '--tls-verify=false', '--attestations', '--signatures', '-s', 'docker.io'],
      { os: 'linux', 'default-project': 'mirror', 'tls-verify': 'false', attestations: 'true', signatures: 'true', source: 'docker.io' }],
    [[], {}],
  ])('metadata of %j', (flags, metadata) => {
    expect(parseSubmit(['-f', 'l', '--bucket', 'b', ...flags], {}).metadata).toEqual(metadata);
  });

  it('reads the bucket and endpoint from the environment, and warns about local-only flags', () => {
    const cfg = parseSubmit(['-f', 'l', '-j', '4', '--no-wait', '--prefix', 'in/'],
      { MIRROR_VALIDATE_BUCKET: 'eb', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' });
    expect(cfg).toMatchObject({ bucket: 'eb', endpoint: 'http://127.0.0.1:9000', wait: false, prefix: 'in/' });
    expect(cfg.local.warnings).toContain('-j/--jobs applies to local runs only; the pipeline uses its own');
  });
});

describe('parseStatus and parseFetch', () => {
  it('status writes the failed file only when -o is given', () => {
    expect(parseStatus(['r1', '--bucket', 'b'], {}).failedFile).toBeUndefined();
    expect(parseStatus(['r1', '--bucket', 'b', '-o', 'f.txt', '--wait'], {})).toMatchObject({ runId: 'r1', failedFile: 'f.txt', wait: true });
  });

  it('fetch names a list or a run and writes the failed file by default', () => {
    expect(parseFetch(['--list', 'team/nightly.txt', '--bucket', 'b'], {})).toMatchObject({ listName: 'team/nightly.txt', failedFile: 'mirror-validate-failed.txt' });
    expect(parseFetch(['--run', 'r1', '--bucket', 'b', '--report', 'x.xml'], {})).toMatchObject({ runId: 'r1', reportFiles: ['x.xml'] });
  });

  it.each([
    [() => parseFetch(['--list', 'a', '--run', 'r', '--bucket', 'b'], {}), 'name either'],
    [() => parseFetch(['--list', 'a', '--bucket', 'b', '--report', 'x.pdf'], {}), 'unsupported report format'],
    [() => parseStatus(['r', '--bucket', 'b', '--endpoint', 'localhost:9000'], {}), 'invalid --endpoint'],
    [() => parseStatus(['r', '--bucket', 'b', '--poll-interval', '0'], {}), '--poll-interval'],
  ])('rejects bad input (%#)', (fn, message) => {
    expect(fn).toThrow(message);
  });
});
