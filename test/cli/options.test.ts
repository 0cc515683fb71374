import { describe, expect, it } from 'vitest';
import { clampJobs, parseCli } from '../../lib/cli/options.js';
import { CliError } from '../../lib/cli/errors.js';

describe('parseCli', () => {
  it('applies hangar 2023 defaults', () => {
    // Prepare / Act
    const cfg = parseCli(['-f', 'list.txt'], { HOME: '/home/u' });
    // Assess
    expect(cfg.file).toBe('list.txt');
    expect(cfg.failedFile).toBe('mirror-validate-failed.txt');
    expect(cfg.jobs).toBe(1);
    expect(cfg.settings).toMatchObject({
      arch: ['amd64', 'arm64'], os: ['linux', 'windows'], defaultProject: 'library',
      tlsVerify: true, deep: false, attestations: false, signatures: false,
    });
    expect(cfg.settings.sourceRegistry).toBeUndefined();
    expect(cfg.cacheDir).toBe('/home/u/.cache/mirror-validate');
  });

  it('reads every flag', () => {
    const cfg = parseCli([
      '-f', 'l.txt', '-s', 'docker.io', '-d', 'reg.example.com', '-a', 'amd64, arm', '--os', 'linux',
      '-j', '10', '-o', 'bad.txt', '--report', 'r.json', '--tls-verify=false', '--deep', '--attestations',
      '--signatures', '--default-project', 'mirror', '--debug', '--no-cache', '--timeout', '30',
    ], {});
    expect(cfg).toMatchObject({
      file: 'l.txt', failedFile: 'bad.txt', reportFiles: ['r.json'], jobs: 10, debug: true, timeoutSeconds: 30,
      cacheDir: undefined,
    });
    expect(cfg.settings).toMatchObject({
      sourceRegistry: 'docker.io', destRegistry: 'reg.example.com', arch: ['amd64', 'arm'], os: ['linux'],
      tlsVerify: false, deep: true, attestations: true, signatures: true, defaultProject: 'mirror',
    });
  });

  it.each([
    [[], []],
    [['--report', 'r.json'], ['r.json']],
    [['--report', 'r.json', '--report', 'r.html', '--report', 'ci/junit.XML', '--report', 'x.htm'], ['r.json', 'r.html', 'ci/junit.XML', 'x.htm']],
  ])('collects --report files %j', (flags, files) => {
    expect(parseCli(['-f', 'l', ...flags], {}).reportFiles).toEqual(files);
  });

  it('accepts --output as an alias of --failed', () => {
    expect(parseCli(['-f', 'l', '--output', 'x.txt'], {}).failedFile).toBe('x.txt');
  });

  it('falls back to SOURCE_REGISTRY and DEST_REGISTRY, flags win', () => {
    const env = { SOURCE_REGISTRY: 'quay.io', DEST_REGISTRY: 'env.example.com' };
    expect(parseCli(['-f', 'l'], env).settings).toMatchObject({ sourceRegistry: 'quay.io', destRegistry: 'env.example.com' });
    expect(parseCli(['-f', 'l', '-d', 'flag.example.com'], env).settings.destRegistry).toBe('flag.example.com');
  });

  it.each([
    [['--jobs', '3'], 'image list file name not specified'],
    [['-f', 'l', '--tls-verify=maybe'], 'invalid value "maybe" for --tls-verify'],
    [['-f', 'l', '-j', 'x'], 'invalid value "x" for --jobs'],
    [['-f', 'l', '--bogus'], "unknown option '--bogus'"],
    [['-f', 'l', '--report', 'r.pdf'], 'unsupported report format'],
    [['-f', 'l', '--report', 'r.json', '--report', 'r.txt'], 'unsupported report format "r.txt"'],
    [['-f', 'l', '-a', ','], '--arch must name at least one'],
    [['-f', 'l', '--timeout', '0'], '--timeout'],
    [['-f', 'l', '--default-project', 'My Project'], '--default-project'],
  ])('rejects %j with a one-line usage error', (argv, message) => {
    let caught: unknown;
    try {
      parseCli(argv, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('USAGE');
    expect((caught as CliError).message).toContain(message);
    expect((caught as CliError).message).not.toContain('\n');
  });
});

describe('clampJobs', () => {
  it.each([
    ['1', 1, []],
    ['20', 20, []],
    ['21', 20, ['worker count should be <= 20', 'change worker count to 20']],
    ['0', 1, ['invalid worker count: 0', 'change worker count to 1']],
    ['-5', 1, ['invalid worker count: -5', 'change worker count to 1']],
  ])('%s -> %d with warnings %j', (raw, want, warnings) => {
    const got: string[] = [];
    expect(clampJobs(raw, got)).toBe(want);
    expect(got).toEqual(warnings);
  });
});

describe('progress lines', () => {
  it('shorten a long invalid input to one readable line', async () => {
    const { formatResult } = await import('../../lib/cli/progress.js');
    const line = formatResult({ line: 3, input: 'x'.repeat(5000), status: 'INVALID', code: 'LINE_TOO_LONG', message: 'line 3: line is too long' });
    expect(line.length).toBeLessThan(220);
    expect(line).toContain('line 3');
  });
});
