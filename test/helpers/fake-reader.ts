/**
 * In-memory RegistryReader for use-case tests: manifests and blobs per repository, tag listings
 * in pages, an optional referrers API, injected failures, and a log of every call so tests can
 * assert the request plan.
 */
import { isDigestReference } from '../../lib/core/digest.js';
import type { Descriptor, ImageRef } from '../../lib/core/types.js';
import type { FetchedManifest, ManifestHead, RegistryReader, TagPage } from '../../lib/ports.js';
import { digestOf } from './manifest-fixtures.js';

type Method = 'headManifest' | 'getManifest' | 'getBlob' | 'headBlob' | 'listTags' | 'referrers';

export interface Call {
  readonly method: Method;
  readonly repo: string;
  readonly reference: string;
}

export class FakeReader implements RegistryReader {
  readonly calls: Call[] = [];
  private readonly manifests = new Map<string, FetchedManifest>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly failures = new Map<string, unknown>();
  /** Referrers by `repo|subject digest`; undefined: no referrers API (every call answers null, as a 404). */
  private referrersApi: Map<string, Descriptor[]> | undefined;
  /** Tags per listing page; Infinity: one page. */
  pageSize = Infinity;

  /** Serve the referrers API (an empty list for any subject until {@link putReferrer}). */
  enableReferrersApi(): void {
    this.referrersApi ??= new Map();
  }

  /** Adds `referrer` to the referrers API answer for `subject` (enables the API). */
  putReferrer(repo: ImageRef, subject: string, referrer: Descriptor): void {
    this.enableReferrersApi();
    const k = key(repo, subject);
    this.referrersApi!.set(k, [...(this.referrersApi!.get(k) ?? []), referrer]);
  }

  /** Points `tag` at the manifest stored under `digest`. */
  tag(repo: ImageRef, tag: string, digest: string): void {
    const m = this.manifests.get(key(repo, digest));
    if (!m) throw new Error(`no manifest ${digest}`);
    this.manifests.set(key(repo, tag), m);
  }

  /** Removes `tag` (the manifest stays reachable by digest). */
  untag(repo: ImageRef, tag: string): void {
    this.manifests.delete(key(repo, tag));
  }

  /** Stores a manifest under its real digest and, when given, a tag. Returns the digest. */
  putManifest(repo: ImageRef, bytes: Uint8Array, mediaType: string, tag?: string): string {
    const digest = digestOf(bytes);
    this.putManifestAt(repo, digest, bytes, mediaType);
    if (tag !== undefined) this.manifests.set(key(repo, tag), { digest, mediaType, size: bytes.length, bytes });
    return digest;
  }

  /** Stores bytes under an arbitrary digest (fixture children whose bodies we do not have). */
  putManifestAt(repo: ImageRef, digest: string, bytes: Uint8Array, mediaType: string): void {
    this.manifests.set(key(repo, digest), { digest, mediaType, size: bytes.length, bytes });
  }

  putBlob(repo: ImageRef, digest: string, bytes: Uint8Array = new Uint8Array([1])): void {
    this.blobs.set(key(repo, digest), bytes);
  }

  /** Every call of `method` on `reference` (any repo) throws `error`. */
  fail(method: Method, reference: string, error: unknown): void {
    this.failures.set(`${method} ${reference}`, error);
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async headManifest(repo: ImageRef, reference: string): Promise<ManifestHead | null> {
    this.record('headManifest', repo, reference);
    const m = this.manifests.get(key(repo, reference));
    return m ? { digest: m.digest, mediaType: m.mediaType, size: m.size } : null;
  }

  async getManifest(repo: ImageRef, reference: string): Promise<FetchedManifest | null> {
    this.record('getManifest', repo, reference);
    return this.manifests.get(key(repo, reference)) ?? null;
  }

  async getBlob(repo: ImageRef, digest: string): Promise<Uint8Array | null> {
    this.record('getBlob', repo, digest);
    return this.blobs.get(key(repo, digest)) ?? null;
  }

  async headBlob(repo: ImageRef, digest: string): Promise<boolean> {
    this.record('headBlob', repo, digest);
    return this.blobs.has(key(repo, digest));
  }

  async listTags(repo: ImageRef, cursor?: string): Promise<TagPage | null> {
    this.record('listTags', repo, cursor ?? '');
    const prefix = key(repo, '');
    const keys = [...this.manifests.keys()].filter((k) => k.startsWith(prefix));
    if (keys.length === 0) return null;
    const tags = keys.map((k) => k.slice(prefix.length)).filter((t) => !isDigestReference(t)).sort();
    const last = cursor === undefined ? undefined : new URLSearchParams(cursor).get('last') ?? '';
    const rest = last === undefined ? tags : tags.filter((t) => t > last);
    const page = rest.slice(0, this.pageSize);
    return page.length < rest.length ? { tags: page, next: `?last=${encodeURIComponent(page.at(-1)!)}&n=${this.pageSize}` } : { tags: page };
  }

  async referrers(repo: ImageRef, digest: string): Promise<Descriptor[] | null> {
    this.record('referrers', repo, digest);
    return this.referrersApi ? [...(this.referrersApi.get(key(repo, digest)) ?? [])] : null;
  }

  private record(method: Method, repo: ImageRef, reference: string): void {
    this.calls.push({ method, repo: `${repo.registry}/${repo.repository}`, reference });
    const failure = this.failures.get(`${method} ${reference}`);
    if (failure !== undefined) throw failure;
  }
}

function key(repo: ImageRef, reference: string): string {
  return `${repo.registry}/${repo.repository}|${reference}`;
}

/** A Map-backed ContentCache that counts calls. */
export class MemoryCache {
  readonly entries = new Map<string, Uint8Array>();
  gets = 0;
  puts = 0;

  async get(digest: string): Promise<Uint8Array | null> {
    this.gets += 1;
    return this.entries.get(digest) ?? null;
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    this.puts += 1;
    this.entries.set(digest, bytes);
  }
}
