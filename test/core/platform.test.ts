import { describe, expect, it } from 'vitest';
import { isAttestation, normaliseArch, normaliseOs, platformKey, platformPasses } from '../../lib/core/platform.js';
import type { Platform, PlatformFilter } from '../../lib/core/types.js';
import { fakeDigest } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const p = (architecture: string, os = 'linux', variant?: string): Platform => ({ architecture, os, ...(variant !== undefined ? { variant } : {}) });

describe('containerd platform normalisation', () => {
  it.each<[string, string, string, string]>([
    ['arm64', '', 'arm64', ''],
    ['arm64', 'v8', 'arm64', ''],
    ['arm64', '8', 'arm64', ''],
    ['arm64', 'v8.0', 'arm64', ''],
    ['aarch64', 'v8', 'arm64', ''],
    ['arm64', '9.0', 'arm64', 'v9'],
    ['arm', '', 'arm', 'v7'],
    ['arm', '7', 'arm', 'v7'],
    ['arm', '6', 'arm', 'v6'],
    ['arm', 'v6', 'arm', 'v6'],
    ['armhf', '', 'arm', 'v7'],
    ['armel', '', 'arm', 'v6'],
    ['amd64', 'v1', 'amd64', ''],
    ['amd64', 'v3', 'amd64', 'v3'],
    ['x86_64', '', 'amd64', ''],
    ['X86-64', '', 'amd64', ''],
    ['i386', '', '386', ''],
    ['s390x', '', 's390x', ''],
    ['riscv64', 'rva20u64', 'riscv64', 'rva20u64'],
  ])('%s/%s is %s/%s', (arch, variant, wantArch, wantVariant) => {
    expect(normaliseArch(arch, variant)).toEqual({ architecture: wantArch, variant: wantVariant });
  });

  it('lower-cases the os and maps macos to darwin, keeping an empty os empty', () => {
    expect(normaliseOs('Linux')).toBe('linux');
    expect(normaliseOs('macos')).toBe('darwin');
    expect(normaliseOs('')).toBe('');
  });

  it('gives equivalent platforms one key and different variants different keys', () => {
    expect(platformKey(p('arm64', 'linux', 'v8'))).toBe(platformKey(p('arm64')));
    expect(platformKey(p('arm'))).toBe(platformKey(p('arm', 'linux', 'v7')));
    expect(platformKey(p('amd64', 'linux', 'v1'))).toBe('linux/amd64');
    expect(platformKey(p('arm', 'linux', 'v6'))).not.toBe(platformKey(p('arm', 'linux', 'v7')));
    expect(platformKey({ ...p('amd64', 'windows'), 'os.version': '10.0.17763.1' })).toBe('windows/amd64:10.0.17763.1');
  });

  it('gives platforms that differ in any field different keys, whatever characters the fields hold', () => {
    const pairs: Array<[Platform, Platform]> = [
      [{ ...p('arm', 'linux', 'v7'), 'os.version': '1' }, p('arm', 'linux', 'v7:1')],
      [p('arm', 'linux', 'v7'), p('v7', 'linux/arm')],
      [p('arm64', 'linux', 'x/v9'), p('arm64/x', 'linux', 'v9')],
      [{ ...p('amd64'), 'os.version': '1' }, p('amd64:1')],
    ];
    for (const [a, b] of pairs) expect(platformKey(a)).not.toBe(platformKey(b));
  });
});

describe('the --arch/--os filter on normalised platforms', () => {
  it.each<[string, Platform, PlatformFilter, boolean]>([
    ['arm64/v8 passes -a arm64', p('arm64', 'linux', 'v8'), FILTER, true],
    ['aarch64 passes -a arm64', p('aarch64'), FILTER, true],
    ['arm64 passes -a aarch64', p('arm64'), { ...FILTER, arch: ['aarch64'] }, true],
    ['x86_64 passes -a amd64', p('x86_64'), FILTER, true],
    ['Linux passes --os linux', p('amd64', 'Linux'), FILTER, true],
    ['arm/v7 does not pass -a amd64,arm64', p('arm', 'linux', 'v7'), FILTER, false],
    ['armhf passes -a arm', p('armhf'), { ...FILTER, arch: ['arm'] }, true],
    ['darwin does not pass --os linux,windows', p('amd64', 'darwin'), FILTER, false],
    ['no platform never passes', { architecture: '', os: '' }, FILTER, false],
  ])('%s', (_name, platform, filter, expected) => {
    expect(platformPasses(platform, filter)).toBe(expected);
  });
});

describe('attestations', () => {
  const base = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: fakeDigest('a'), size: 1 };
  it('are every unknown/unknown entry and every entry annotated attestation-manifest', () => {
    expect(isAttestation({ ...base, platform: p('unknown', 'unknown') })).toBe(true);
    expect(isAttestation({ ...base, platform: p('unknown', 'unknown'), annotations: { 'vnd.docker.reference.type': 'signature' } })).toBe(true);
    expect(isAttestation({ ...base, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } })).toBe(true);
    expect(isAttestation({ ...base, platform: p('amd64') })).toBe(false);
    expect(isAttestation(base)).toBe(false);
  });
});
