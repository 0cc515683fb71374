/**
 * In-memory RegistryReader for use-case tests: manifests and blobs per repository, injected
 * failures, and a log of every call so tests can assert the request plan.
 */
import type { ImageRef } from '../../lib/core/types.js';
import type { FetchedManifest, ManifestHead, RegistryReader } from '../../lib/ports.js';
import { digestOf } from './manifest-fixtures.js';

type Method = 'headManifest' | 'getManifest' | 'getBlob' | 'headBlob';

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
