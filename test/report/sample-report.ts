/** Synthetic JSON reports for the report renderers: every status, mismatching specs, hostile inputs. */
import { buildJsonReport, type JsonReport } from '../../lib/core/report.js';
import type { LineResult, SpecEntry } from '../../lib/core/types.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const spec = (arch: string, digest: string, mediaType = MANIFEST, variant?: string): SpecEntry =>
  ({ digest, mediaType, platform: { architecture: arch, os: 'linux', ...(variant && { variant }) } });

export const XSS_INPUT = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

/** One line of every status, two FAILED lines with specs (digest and platform mismatches). */
export const SAMPLE_RESULTS: LineResult[] = [
  { line: 1, input: 'docker.io/library/nginx:1.25', status: 'PASS', code: null, message: 'ok',
    source: 'docker.io/library/nginx:1.25', destination: 'mirror.local/library/nginx:1.25', durationMs: 120,
    srcSpec: [spec('amd64', D('a'))], dstSpec: [spec('amd64', D('a'))], requests: { manifestHead: 2 }, rateLimitRemaining: 97 },
  { line: 2, input: 'docker.io/library/redis:7', status: 'FAILED', code: 'DIGEST_MISMATCH',
    message: 'srcSpec and dstSpec differ', source: 'docker.io/library/redis:7', destination: 'mirror.local/library/redis:7',
    srcSpec: [spec('amd64', D('b')), spec('arm64', D('c'))], dstSpec: [spec('amd64', D('b')), spec('arm64', D('d'), MANIFEST, 'v8')], durationMs: 340, rule: 'index' },
  { line: 3, input: 'quay.io/coreos/etcd:v3.5', status: 'FAILED', code: 'PLATFORM_MISMATCH',
    message: 'srcSpec and dstSpec differ', source: 'quay.io/coreos/etcd:v3.5', destination: 'mirror.local/coreos/etcd:v3.5',
    srcSpec: [spec('amd64', D('e')), spec('arm', D('f'), MANIFEST, 'v7')], dstSpec: [spec('amd64', D('e'))], durationMs: 200 },
  { line: 4, input: `docker.io/library/alpine sha256-${'9'.repeat(64)}.sig`, status: 'FAILED', code: 'DEST_NOT_FOUND', rule: 'artifact',
    message: `destination manifest does not exist (artifact ${D('9')})`, source: `docker.io/library/alpine:sha256-${'9'.repeat(64)}.sig`,
    destination: `mirror.local/library/alpine:sha256-${'9'.repeat(64)}.sig` },
  { line: 5, input: 'docker.io/library/busybox:1', status: 'ERROR', code: 'AUTH', message: 'authentication required & "denied"' },
  { line: 6, input: 'docker.io/library/hello:win', status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM', message: 'no image available for specified arch & OS list' },
  { line: 7, input: XSS_INPUT, status: 'INVALID', code: 'INVALID_FORMAT', message: 'expected "SOURCE DESTINATION TAG" or one image reference <b>' },
  { line: 8, input: 'bad\u0001ctl\uFFFE', status: 'INVALID', code: 'INVALID_REFERENCE', message: 'control \u0007 char' },
  { line: 9, input: 'docker.io/library/nginx:1.25 mirror.local INDEX', status: 'FAILED', code: 'DEST_MEDIA_TYPE',
    message: `destination manifest MIME type unknown: ${MANIFEST}`, srcSpec: [spec('amd64', D('a'), INDEX)], dstSpec: [spec('amd64', D('a'))] },
];

export const SAMPLE_SETTINGS = {
  sourceRegistry: 'docker.io', destRegistry: 'mirror.local', defaultProject: 'library',
  arch: ['amd64', 'arm64'], os: ['linux'], deep: false, attestations: false, signatures: false, tlsVerify: true,
};

/** The JSON report of {@link SAMPLE_RESULTS}. */
export function sampleReport(results: readonly LineResult[] = SAMPLE_RESULTS): JsonReport {
  return buildJsonReport(results, {
    runId: 'run-sample', startedAt: '2024-05-01T10:00:00.000Z', finishedAt: '2024-05-01T10:01:05.500Z',
    settings: SAMPLE_SETTINGS, requests: { manifestHead: 12, token: 3 }, rateLimitRemaining: 97,
  });
}

/** `n` lines cycling through the statuses (every 10th FAILED), for size tests. */
export function bigReport(n: number): JsonReport {
  const results: LineResult[] = [];
  for (let i = 1; i <= n; i++) {
    const image = `docker.io/library/img${i}:v${i % 7}`;
    const base = { line: i, input: image, source: image, destination: `mirror.local/library/img${i}:v${i % 7}`, durationMs: i % 500 };
    if (i % 10 === 0) {
      results.push({ ...base, status: 'FAILED', code: 'DIGEST_MISMATCH', message: 'srcSpec and dstSpec differ',
        srcSpec: [spec('amd64', D('a'))], dstSpec: [spec('amd64', D('b'))] });
    } else if (i % 97 === 0) results.push({ ...base, status: 'ERROR', code: 'NETWORK', message: 'connection reset' });
    else if (i % 89 === 0) results.push({ ...base, status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM', message: 'no image available for specified arch & OS list' });
    else results.push({ ...base, status: 'PASS', code: null, message: 'ok' });
  }
  return sampleReport(results);
}
