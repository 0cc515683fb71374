/**
 * Platforms: the one home of their normalisation, comparison and filtering.
 *
 * Platforms are compared the way containerd compares them (its `platforms.Normalize`): case is
 * ignored, `x86_64`/`x86-64` are `amd64`, `aarch64` is `arm64`, `i386` is `386`, `armhf` is
 * `arm/v7`, `armel` is `arm/v6`, `macos` is `darwin`, and default variants are dropped or filled
 * in: `amd64/v1` ≡ `amd64`, `arm64/v8` ≡ `arm64` (`8`, `v8.0` too), `arm` ≡ `arm/v7` (`7` too).
 * A real variant difference (`arm/v6` against `arm/v7`) stays a difference. The same normal form
 * decides `--arch`/`--os` filtering, so `-a arm64` keeps `arm64/v8` entries.
 */
import type { Descriptor, Platform, PlatformFilter } from './types.js';

/** Annotation buildx puts on attestation manifests inside an index. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
/** Annotation naming the image manifest an attestation is about. */
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
export const ATTESTATION_TYPE = 'attestation-manifest';

/** The compared fields of a platform, normalised. Empty strings for absent fields. */
export interface NormalPlatform {
  readonly architecture: string;
  readonly os: string;
  readonly variant: string;
  readonly osVersion: string;
}

/** containerd's normal form of an architecture and its variant. */
export function normaliseArch(architecture: string, variant = ''): { architecture: string; variant: string } {
  const arch = architecture.toLowerCase();
  const v = variant.toLowerCase();
  switch (arch) {
    case 'i386': return { architecture: '386', variant: '' };
    case 'x86_64': case 'x86-64': case 'amd64': return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
    case 'aarch64': case 'arm64':
      if (v === '8' || v === 'v8' || v === 'v8.0') return { architecture: 'arm64', variant: '' };
      if (v === '9' || v === '9.0' || v === 'v9.0') return { architecture: 'arm64', variant: 'v9' };
      return { architecture: 'arm64', variant: v };
    case 'armhf': return { architecture: 'arm', variant: 'v7' };
    case 'armel': return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === '' || v === '7') return { architecture: 'arm', variant: 'v7' };
      return { architecture: 'arm', variant: ['5', '6', '8'].includes(v) ? `v${v}` : v };
    default: return { architecture: arch, variant: v };
  }
}

/** containerd's normal form of an os: lower case, `macos` is `darwin`. */
export function normaliseOs(os: string): string {
  const o = os.toLowerCase();
  return o === 'macos' ? 'darwin' : o;
}

/** The platform in normal form (os.features are never compared). */
export function normalisePlatform(p: Platform): NormalPlatform {
  const { architecture, variant } = normaliseArch(p.architecture, p.variant ?? '');
  return { architecture, os: normaliseOs(p.os), variant, osVersion: p['os.version'] ?? '' };
}

/**
 * The compared fields of a normalised platform as one string: `os/arch[/variant][:os.version]`.
 * Two platforms get the same key only when every compared field is equal: `%`, `/` and `:` inside
 * a field (registry text) are percent-encoded, so variant `v7:1` is not variant `v7` with
 * os.version `1`.
 */
export function platformKey(p: Platform): string {
  const n = normalisePlatform(p);
  let key = `${keyPart(n.os)}/${keyPart(n.architecture)}`;
  if (n.variant) key += `/${keyPart(n.variant)}`;
  if (n.osVersion) key += `:${keyPart(n.osVersion)}`;
  return key;
}

function keyPart(field: string): string {
  return field.replace(/[%/:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The platform as written, for messages: `os/arch[/variant][:os.version]` (not normalised). */
export function platformText(p: Platform): string {
  let text = `${p.os}/${p.architecture}`;
  if (p.variant) text += `/${p.variant}`;
  if (p['os.version']) text += `:${p['os.version']}`;
  return text;
}

/** True when the platform has an architecture or an os (an artifact has neither). */
export function isPlatform(p: Platform | undefined): p is Platform {
  return p !== undefined && (p.architecture !== '' || p.os !== '');
}

/** The descriptor's platform; empty architecture and os when it has none. */
export function platformOf(desc: Descriptor): Platform {
  return desc.platform ?? { architecture: '', os: '' };
}

/**
 * True for an attestation entry: platform `unknown/unknown` (buildx, regctl and others write
 * attestations, SBOMs and other reference types there), or the annotation
 * `vnd.docker.reference.type=attestation-manifest`. Ignored unless `--attestations`.
 */
export function isAttestation(desc: Descriptor): boolean {
  return desc.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_TYPE || isUnknownPlatform(desc.platform);
}

/** True for `unknown/unknown`, the platform buildx gives attestations (entries and configs). */
export function isUnknownPlatform(p: Platform | undefined): boolean {
  return p !== undefined && p.architecture.toLowerCase() === 'unknown' && p.os.toLowerCase() === 'unknown';
}

/** True when the platform's normalised architecture and os are both in the (normalised) filter. */
export function platformPasses(p: Platform | undefined, filter: PlatformFilter): boolean {
  if (!isPlatform(p)) return false;
  const n = normalisePlatform(p);
  return filter.arch.some((a) => normaliseArch(a).architecture === n.architecture)
    && filter.os.some((o) => normaliseOs(o) === n.os);
}
