/**
 * Reading the source side with the fewest requests: reuse the destination body when the digests
 * agree, else the content cache, else one GET by digest; plus the config blob of a single image.
 * Without a cache, and away from Docker Hub, the source tag is read by one GET instead (a HEAD
 * would only add a request there).
 */
import type { SourceSide } from '../core/compare.js';
import { sha256Name } from '../core/digest.js';
import { parseImageConfig, parseManifest } from '../core/manifest.js';
import { isImageConfig } from '../core/media-types.js';
import { MirrorValidateError } from '../core/errors.js';
import { DOCKER_HUB_ALIASES } from '../core/ref-grammar.js';
import type { ImageRef, Platform } from '../core/types.js';
import type { ContentCache, FetchedManifest, RegistryReader } from '../ports.js';
import { cacheGet, cachePut } from './content.js';
import { SideError, onSide } from './side-errors.js';

/** Image configs are small; anything larger is not a config. */
export const CONFIG_MAX_BYTES = 4 * 1024 * 1024;

export interface SourceDeps {
  readonly source: RegistryReader;
  readonly destination: RegistryReader;
  readonly cache?: ContentCache;
}

/**
 * Whether the source tag is read by HEAD first (then a GET by digest only when neither the
 * destination nor the cache has that digest) rather than by one GET: on Docker Hub, where HEADs
 * cost no pull quota, and whenever a cache can answer by digest. Never for a pinned digest.
 */
export function headsSourceFirst(source: ImageRef, cache: ContentCache | undefined): boolean {
  if (source.digest !== undefined) return false;
  return cache !== undefined || DOCKER_HUB_ALIASES.has(source.registry.toLowerCase());
}

/**
 * The source manifest, its digest (sha256: see {@link sha256Name}) and (single image) platform:
 * absent for an artifact, whose config is not an image config or carries no platform. `known` is the source digest
 * (from a HEAD or the line) or the manifest already fetched by tag. Throws SideError.
 */
export async function readSource(
  item: { source: ImageRef; destination: ImageRef },
  deps: SourceDeps,
  known: string | FetchedManifest,
  dest: FetchedManifest | null,
): Promise<SourceSide> {
  const digest = typeof known === 'string' ? known : known.digest;
  const same = dest !== null && dest.digest === digest;
  let bytes: Uint8Array;
  let contentType: string | undefined;
  if (typeof known !== 'string') {
    ({ bytes, mediaType: contentType } = known);
  } else if (same) {
    ({ bytes, mediaType: contentType } = dest);
  } else {
    ({ bytes, mediaType: contentType } = await readSourceManifest(item, deps, digest));
  }
  const manifest = await onSide('source', async () => parseManifest(bytes, contentType));
  const name = sha256Name(digest, bytes);
  if (manifest.kind !== 'image' || !isImageConfig(manifest.config.mediaType)) return { manifest, digest: name };
  const platform = await readConfig(item, deps, manifest.config.digest, same);
  return platform ? { manifest, digest: name, platform } : { manifest, digest: name };
}

/** A source manifest by digest: from the cache, else one GET (then cached). Throws SideError. */
export async function readSourceManifest(
  item: { source: ImageRef }, deps: SourceDeps, digest: string,
): Promise<{ bytes: Uint8Array; mediaType?: string }> {
  const cached = await cacheGet(deps.cache, digest);
  if (cached) return { bytes: cached };
  const got = await onSide('source', () => deps.source.getManifest(item.source, digest));
  if (!got) throw notFound(`manifest ${digest} does not exist`);
  await cachePut(deps.cache, digest, got.bytes);
  return { bytes: got.bytes, mediaType: got.mediaType };
}

async function readConfig(
  item: { source: ImageRef; destination: ImageRef },
  deps: SourceDeps,
  digest: string,
  fromDestFirst: boolean,
): Promise<Platform | undefined> {
  let bytes = await cacheGet(deps.cache, digest);
  const cached = bytes !== null;
  if (!bytes && fromDestFirst) {
    bytes = await onSide('destination', () => deps.destination.getBlob(item.destination, digest, CONFIG_MAX_BYTES));
  }
  if (!bytes) {
    bytes = await onSide('source', () => deps.source.getBlob(item.source, digest, CONFIG_MAX_BYTES));
    if (!bytes) throw notFound(`config blob ${digest} does not exist`);
  }
  if (!cached) await cachePut(deps.cache, digest, bytes);
  const config = bytes;
  return onSide('source', async () => parseImageConfig(config));
}

function notFound(message: string): SideError {
  return new SideError('source', new MirrorValidateError('SOURCE_ERROR', message));
}
