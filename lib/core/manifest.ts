/**
 * Manifest parsing: detects the kind (index, image, schema1) the way containers/image does,
 * validates descriptors and extracts platforms. Pure: bytes in, values out.
 */
import { MirrorValidateError } from './errors.js';
import {
  DOCKER_CONFIG, DOCKER_V1, DOCKER_V1_SIGNED, DOCKER_V2, GENERIC_CONTENT_TYPES, OCI_INDEX, OCI_MANIFEST,
  baseMediaType, isImage, isIndex, isKnownManifest, isSchema1,
} from './media-types.js';
import { parseDescriptor, parsePlatformObject, type Json } from './descriptor.js';
import { quote } from './messages.js';
import { isUnknownPlatform } from './platform.js';
import type { Descriptor, Platform } from './types.js';

export { isAttestation, platformOf } from './platform.js';
export { specEntry } from './spec.js';

/** Most entries an index may have; more is MALFORMED ("too many entries"), so one image's work stays bounded. */
export const MAX_INDEX_ENTRIES = 10_000;

/** Codes of {@link ManifestError}. */
export type ManifestErrorCode = 'MALFORMED' | 'UNSUPPORTED_MEDIA_TYPE';

/** A manifest or config that cannot be used. `mediaType` is set for UNSUPPORTED_MEDIA_TYPE. */
export class ManifestError extends MirrorValidateError<ManifestErrorCode> {
  readonly mediaType?: string;

  constructor(code: ManifestErrorCode, message: string, options?: { cause?: unknown; mediaType?: string }) {
    super(code, message, options);
    if (options?.mediaType !== undefined) this.mediaType = options.mediaType;
  }
}

/** A parsed manifest. `mediaType` is the detected type, without parameters. */
export type Manifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[]; annotations?: Record<string, string> }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'schema1'; mediaType: string; platform: Platform };

/**
 * Parses a manifest body. The type comes from the body's `mediaType`, else from `contentType`
 * (parameters ignored), else from the structure. Throws {@link ManifestError}: `MALFORMED` for
 * bad JSON, a `mediaType` that disagrees with a specific Content-Type, invalid descriptors or a
 * schema1 without platform; `UNSUPPORTED_MEDIA_TYPE` for a type this tool does not know.
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): Manifest {
  const obj = parseJsonObject(bytes, 'manifest');
  const mediaType = detectMediaType(obj, contentType);
  if (isIndex(mediaType)) {
    const list = obj['manifests'];
    if (!Array.isArray(list)) throw malformed(`index ${mediaType} has no "manifests" array`);
    if (list.length > MAX_INDEX_ENTRIES) {
      throw malformed(`index has too many entries (${list.length}, limit ${MAX_INDEX_ENTRIES})`);
    }
    const manifests = list.map((d, i) => parseDescriptor(d, `manifests[${i}]`, malformed));
    const annotations = stringRecord(obj['annotations']);
    return annotations ? { kind: 'index', mediaType, manifests, annotations } : { kind: 'index', mediaType, manifests };
  }
  if (isImage(mediaType)) {
    const layers = obj['layers'];
    if (!Array.isArray(layers)) throw malformed(`manifest ${mediaType} has no "layers" array`);
    return {
      kind: 'image',
      mediaType,
      config: parseDescriptor(obj['config'], 'config', malformed),
      layers: layers.map((d, i) => parseDescriptor(d, `layers[${i}]`, malformed)),
    };
  }
  return { kind: 'schema1', mediaType, platform: schema1Platform(obj) };
}

/**
 * Platform of an image config blob: architecture, os, variant, os.version, os.features.
 * Undefined when the config carries no platform: no architecture or os (a cosign signature, an
 * SBOM), or `unknown/unknown` (an attestation): the manifest is an artifact. Throws `MALFORMED`
 * when it is not a JSON object.
 */
export function parseImageConfig(bytes: Uint8Array): Platform | undefined {
  const obj = parseJsonObject(bytes, 'image config');
  const platform = parsePlatformObject(obj);
  if (!platform.architecture || !platform.os || isUnknownPlatform(platform)) return undefined;
  return platform;
}

function detectMediaType(obj: Record<string, Json>, contentType: string | undefined): string {
  const raw = obj['mediaType'];
  if (raw !== undefined && typeof raw !== 'string') throw malformed('"mediaType" is not a string');
  const field = baseMediaType(raw);
  const ct = baseMediaType(contentType);
  const specific = ct !== '' && !GENERIC_CONTENT_TYPES.includes(ct);
  if (field && specific && field !== ct && !(isSchema1(field) && isSchema1(ct))) {
    throw malformed(`manifest mediaType "${quote(field)}" disagrees with Content-Type "${quote(ct)}"`);
  }
  if (field) {
    if (!isKnownManifest(field)) throw unsupported(field);
    return field;
  }
  if (specific && isKnownManifest(ct)) return ct;
  const guessed = guessMediaType(obj);
  if (!guessed) throw unsupported(specific ? ct : '');
  return guessed;
}

/** Structure-based detection, as containers/image `GuessMIMEType`. */
function guessMediaType(obj: Record<string, Json>): string | undefined {
  if (obj['schemaVersion'] === 1 || Array.isArray(obj['fsLayers'])) {
    return 'signatures' in obj ? DOCKER_V1_SIGNED : DOCKER_V1;
  }
  if (Array.isArray(obj['manifests'])) return OCI_INDEX;
  const config = obj['config'];
  if (isObject(config) && Array.isArray(obj['layers'])) {
    return config['mediaType'] === DOCKER_CONFIG ? DOCKER_V2 : OCI_MANIFEST;
  }
  return undefined;
}

function schema1Platform(obj: Record<string, Json>): Platform {
  const history = obj['history'];
  let v1: Record<string, Json> = {};
  if (Array.isArray(history) && isObject(history[0]) && typeof history[0]['v1Compatibility'] === 'string') {
    try {
      const parsed: unknown = JSON.parse(history[0]['v1Compatibility']);
      if (isObject(parsed)) v1 = parsed;
    } catch (cause) {
      throw malformed('schema1 history[0].v1Compatibility is not valid JSON', cause);
    }
  }
  const architecture = str(obj['architecture']) || str(v1['architecture']);
  const os = str(v1['os']);
  if (!architecture || !os) throw malformed('schema1 manifest has no platform (architecture and os)');
  const variant = str(v1['variant']);
  return variant ? { architecture, os, variant } : { architecture, os };
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, Json> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw malformed(`${what} is not valid JSON`, cause);
  }
  if (!isObject(value)) throw malformed(`${what} is not a JSON object`);
  return value;
}

function stringRecord(v: Json | undefined): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

function malformed(message: string, cause?: unknown): ManifestError {
  return new ManifestError('MALFORMED', message, cause === undefined ? undefined : { cause });
}

function unsupported(mediaType: string): ManifestError {
  const shown = quote(mediaType) || '(none)';
  return new ManifestError('UNSUPPORTED_MEDIA_TYPE', `unsupported manifest MIME type "${shown}"`, { mediaType });
}
