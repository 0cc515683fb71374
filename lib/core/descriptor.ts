/**
 * Validation of content descriptors and platform objects found in manifests and configs.
 */
import { isDigest } from './digest.js';
import type { Descriptor, Platform } from './types.js';

/** A JSON value, as JSON.parse returns it. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };


/**
 * Validates one descriptor. `fail(message)` builds the error to throw (the caller's family).
 * A missing mediaType becomes `''`; digest and size are required.
 */
export function parseDescriptor(v: unknown, where: string, fail: (message: string) => Error): Descriptor {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail(`${where}: descriptor is not an object`);
  const o = v as Record<string, unknown>;
  const { digest, size } = o;
  if (typeof digest !== 'string' || !isDigest(digest)) throw fail(`${where}: invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw fail(`${where}: invalid size`);
  const out: { -readonly [K in keyof Descriptor]: Descriptor[K] } = {
    mediaType: typeof o['mediaType'] === 'string' ? o['mediaType'] : '',
    digest,
    size,
  };
  if (o['platform'] !== undefined && o['platform'] !== null) {
    if (typeof o['platform'] !== 'object') throw fail(`${where}: platform is not an object`);
    out.platform = parsePlatformObject(o['platform'] as Record<string, unknown>);
  }
  if (typeof o['artifactType'] === 'string' && o['artifactType']) out.artifactType = o['artifactType'];
  const ann = o['annotations'];
  if (typeof ann === 'object' && ann !== null && !Array.isArray(ann)) {
    const annotations: Record<string, string> = {};
    for (const [k, val] of Object.entries(ann)) if (typeof val === 'string') annotations[k] = val;
    out.annotations = annotations;
  }
  return out;
}

/** Platform fields of a list entry's `platform` or of an image config; non-strings become empty. */
export function parsePlatformObject(o: Record<string, unknown>): Platform {
  const p: { -readonly [K in keyof Platform]: Platform[K] } = {
    architecture: typeof o['architecture'] === 'string' ? o['architecture'] : '',
    os: typeof o['os'] === 'string' ? o['os'] : '',
  };
  if (typeof o['variant'] === 'string' && o['variant']) p.variant = o['variant'];
  if (typeof o['os.version'] === 'string' && o['os.version']) p['os.version'] = o['os.version'];
  const features = o['os.features'];
  if (Array.isArray(features)) p['os.features'] = features.filter((f): f is string => typeof f === 'string');
  return p;
}
