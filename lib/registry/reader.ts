/**
 * `RegistryReader` over HTTP: manifest HEAD/GET with the full Accept list, digest verification,
 * small blob GETs and blob HEADs, tag listings and referrers (lib/registry/listing.ts). See the
 * port's doc for the fail-closed contract.
 */
import { ACCEPT_MANIFEST, baseMediaType, GENERIC_CONTENT_TYPES } from '../core/media-types.js';
import type { Descriptor, ImageRef } from '../core/types.js';
import type { FetchedManifest, ManifestHead, RegistryReader, RequestStats, TagPage } from '../ports.js';
import { isDigest, isDigestReference, manifestDigest, manifestMatches, matchesDigest } from '../core/digest.js';
import { RegistryError } from './errors.js';
import { listReferrers, listTagPage } from './listing.js';
import { apiRequest, interpret, type Session } from './request.js';
import { header } from './transport.js';

/** Manifests larger than this are refused (registries refuse to store them anyway). */
export const MANIFEST_CAP = 4 * 1024 * 1024;
/** Default cap of `getBlob`. */
export const BLOB_CAP = 1024 * 1024;

const ACCEPT = { accept: ACCEPT_MANIFEST.join(', ') };

/** A reader that records its requests in `stats`; `signal` (the image's time limit) cancels them. */
export class HttpRegistryReader implements RegistryReader {
  private readonly session: Session;

  constructor(session: Session, private readonly stats: RequestStats, signal?: AbortSignal) {
    this.session = signal ? { ...session, signal } : session;
  }

  async headManifest(repo: ImageRef, reference: string): Promise<ManifestHead | null> {
    const res = await apiRequest(this.session, repo, {
      method: 'HEAD', path: `manifests/${reference}`, kind: 'manifestHead', maxBytes: 0, what: 'manifest', headers: ACCEPT,
    }, this.stats);
    if (res.status >= 400 && res.status < 500 && ![401, 403, 404].includes(res.status)) {
      // A HEAD has no body, so no error code: ask with a GET whether this proves absence.
      const got = await this.getManifest(repo, reference);
      return got && { digest: got.digest, mediaType: got.mediaType, size: got.size };
    }
    if (interpret(res, repo, `manifest ${reference}`) === null) return null;
    let digest = header(res, 'docker-content-digest')?.trim();
    if (digest !== undefined && !isDigest(digest)) throw malformed(repo, `malformed Docker-Content-Digest on ${reference}`);
    if (isDigestReference(reference)) {
      if (digest !== undefined && digest !== reference) {
        throw malformed(repo, `HEAD ${reference} answered Docker-Content-Digest ${digest}`);
      }
      digest = reference;
    }
    const mediaType = baseMediaType(header(res, 'content-type'));
    const size = Number(header(res, 'content-length'));
    const usable = mediaType !== '' && !GENERIC_CONTENT_TYPES.includes(mediaType);
    if (digest === undefined || !usable || !Number.isSafeInteger(size) || size <= 0) {
      // Incomplete HEAD (no digest, generic type or no length): learn it from the body.
      const got = await this.getManifest(repo, reference);
      return got && { digest: got.digest, mediaType: got.mediaType, size: got.size };
    }
    return { digest, mediaType, size };
  }

  async getManifest(repo: ImageRef, reference: string): Promise<FetchedManifest | null> {
    const res = await apiRequest(this.session, repo, {
      method: 'GET', path: `manifests/${reference}`, kind: 'manifestGet', maxBytes: MANIFEST_CAP, what: 'manifest',
      headers: ACCEPT,
    }, this.stats);
    if (interpret(res, repo, `manifest ${reference}`) === null) return null;
    const bytes = res.body;
    const computed = manifestDigest(bytes);
    let digest = computed;
    if (isDigestReference(reference)) {
      if (!manifestMatches(bytes, reference)) throw malformed(repo, `manifest ${reference} does not match its digest`);
      digest = reference;
    }
    const claimed = header(res, 'docker-content-digest')?.trim();
    if (claimed !== undefined && claimed !== '') {
      if (!manifestMatches(bytes, claimed)) {
        throw malformed(repo, `manifest ${reference}: Docker-Content-Digest ${claimed} does not match the body (${computed})`);
      }
      if (!isDigestReference(reference)) digest = claimed;
    }
    // The type is decided once, by core/manifest.ts's parseManifest (body mediaType, Content-Type, structure).
    return { digest, mediaType: baseMediaType(header(res, 'content-type')), size: bytes.length, bytes };
  }

  async getBlob(repo: ImageRef, digest: string, maxBytes = BLOB_CAP): Promise<Uint8Array | null> {
    if (!isDigest(digest)) throw malformed(repo, `not a digest: ${digest}`);
    const res = await apiRequest(this.session, repo, {
      method: 'GET', path: `blobs/${digest}`, kind: 'blobGet', maxBytes, what: 'blob',
    }, this.stats);
    if (interpret(res, repo, `blob ${digest}`) === null) return null;
    if (!matchesDigest(res.body, digest)) throw malformed(repo, `blob ${digest} does not match its digest`);
    return res.body;
  }

  async headBlob(repo: ImageRef, digest: string): Promise<boolean> {
    if (!isDigest(digest)) throw malformed(repo, `not a digest: ${digest}`);
    const res = await apiRequest(this.session, repo, {
      method: 'HEAD', path: `blobs/${digest}`, kind: 'blobHead', maxBytes: 0, what: 'blob',
    }, this.stats);
    return interpret(res, repo, `blob ${digest}`) === 'ok';
  }

  listTags(repo: ImageRef, cursor?: string): Promise<TagPage | null> {
    return listTagPage(this.session, this.stats, repo, cursor);
  }

  referrers(repo: ImageRef, digest: string): Promise<Descriptor[] | null> {
    return listReferrers(this.session, this.stats, repo, digest);
  }
}

function malformed(repo: ImageRef, message: string): RegistryError {
  return new RegistryError('MALFORMED', `${repo.registry}/${repo.repository}: ${message}`, { registry: repo.registry });
}
