/**
 * Ports: the only ways the use cases in lib/pipeline, lib/check and lib/serverless touch the outside world.
 * Local adapters (directory, in-memory queue) and AWS adapters (S3, SQS) implement the same
 * interfaces and pass the same contract suites in test/contracts/.
 */
import type { Descriptor, ImageRef, RequestCounts } from './core/types.js';

// ---------------------------------------------------------------- registry

/** What a HEAD on a manifest tells. */
export interface ManifestHead {
  readonly digest: string;
  /** Content-Type without parameters, as served (may be generic); `parseManifest` decides the type. */
  readonly mediaType: string;
  readonly size: number;
}

/** A manifest body whose digest has been verified (by digest) or computed (by tag). */
export interface FetchedManifest extends ManifestHead {
  readonly bytes: Uint8Array;
}

/** One page of a repository's tag listing. */
export interface TagPage {
  readonly tags: readonly string[];
  /** Opaque cursor of the next page (from `Link: <…>; rel="next"`); absent on the last page. */
  readonly next?: string;
}

/**
 * Read-only registry access for one side (source or destination) of a run.
 *
 * Fail-closed contract: methods return `null`/`false` ONLY when the registry proved absence
 * (HTTP 404 or an `*_UNKNOWN` error code). Every other obstacle (auth, TLS, network, 429/5xx
 * after retries, malformed bodies, digest mismatch, timeouts) throws a `MirrorValidateError`
 * whose `code` is an `ErrorCode` (AUTH, TLS, NETWORK, RATE_LIMITED, MALFORMED, TIMEOUT).
 */
export interface RegistryReader {
  /** `reference` is a tag or a `sha256:` digest. */
  headManifest(repo: ImageRef, reference: string): Promise<ManifestHead | null>;
  /** Full Accept list; body capped at 4 MiB; sha256 verified when `reference` is a digest. */
  getManifest(repo: ImageRef, reference: string): Promise<FetchedManifest | null>;
  /** Small blobs only (image configs); sha256 verified. */
  getBlob(repo: ImageRef, digest: string, maxBytes?: number): Promise<Uint8Array | null>;
  headBlob(repo: ImageRef, digest: string): Promise<boolean>;
  /**
   * One page of `GET /v2/<name>/tags/list`: the first without `cursor`, then the page a previous
   * page's `next` names. null when the repository does not exist (404, NAME_UNKNOWN).
   */
  listTags(repo: ImageRef, cursor?: string): Promise<TagPage | null>;
  /**
   * OCI 1.1 referrers of `digest` (`GET /v2/<name>/referrers/<digest>`, every page followed): the
   * entries of the referrers index, possibly none. null when the registry answers 404: it has no
   * referrers API (one that has it answers an unknown digest with an empty index), so the
   * `sha256-<hex>` tag schema applies.
   */
  referrers(repo: ImageRef, digest: string): Promise<Descriptor[] | null>;
}

/** Per-line accounting that a registry reader can fill in. */
export interface RequestStats {
  readonly counts: RequestCounts;
  /** Last Docker Hub `ratelimit-remaining` seen, if any. */
  rateLimitRemaining?: number;
}

// ---------------------------------------------------------------- object store

export interface PutOptions {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Create only: resolve `false` (and write nothing) if the key already exists. */
  readonly ifNoneMatch?: boolean;
  /**
   * Replace only (compare-and-swap): resolve `false` (and write nothing) unless the key exists
   * with this ETag (as `head` returned it).
   */
  readonly ifMatch?: string;
}

export interface CopyOptions {
  /** Content type and metadata of the copy (they replace the source's; absent: none). */
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Copy only if the source still has this ETag. */
  readonly ifMatch?: string;
}

/** `missing`: no source object; `changed`: the source's ETag is not `ifMatch` (nothing written). */
export type CopyOutcome = 'copied' | 'missing' | 'changed';

export interface ListOptions {
  /** Only keys after this one in list order (exclusive), as S3's `StartAfter`; it need not exist. */
  readonly startAfter?: string;
}

/** Options of a streamed put: no conditions (a streamed object always replaces the key). */
export type WriteOptions = Omit<PutOptions, 'ifNoneMatch' | 'ifMatch'>;

/**
 * A streamed put, for objects too large to build in memory (reports of big runs). Chunks are
 * written in order; the object appears, whole, only when `close()` resolves (S3 multipart upload,
 * a renamed temporary file); until then readers see the key as it was. Memory is bounded by the
 * adapter's part size, not by the object. After a failed `write`/`close`, call `abort()`.
 */
export interface ObjectWriter {
  /** Resolves when the chunk is buffered or sent (backpressure: await it before the next). */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Completes the object. */
  close(): Promise<void>;
  /** Discards what was written; the key keeps its previous content. Never throws. */
  abort(): Promise<void>;
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: Date;
  /**
   * Opaque version tag (S3 `ETag`, quoted): changes whenever the object is replaced by other
   * bytes; what `ifMatch` compares.
   */
  readonly etag: string;
}

/** A bucket: S3 in AWS, a directory locally. Keys use `/` separators. */
export interface ObjectStore {
  get(key: string): Promise<Uint8Array | null>;
  /** Streamed read for large objects (image lists); null when absent. */
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Resolves true when written; false only when a condition (`ifNoneMatch`, `ifMatch`) did not hold. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<boolean>;
  /** Server-side copy of `from` to `to` within the store. */
  copy(from: string, to: string, options?: CopyOptions): Promise<CopyOutcome>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under `prefix`, in lexicographic order (after `options.startAfter`, when given). */
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  /**
   * The "folders" directly under `prefix` (S3 `Delimiter: '/'` common prefixes): each distinct
   * `prefix + segment + '/'` of the keys under `prefix`, in lexicographic order, holding at
   * least one key that sorts after `options.startAfter`.
   */
  listFolders(prefix: string, options?: ListOptions): AsyncIterable<string>;
  /** Streamed put that replaces `key` on `close()`; see {@link ObjectWriter}. */
  openWriter(key: string, options?: WriteOptions): ObjectWriter;
}

// ---------------------------------------------------------------- work queue

export interface QueueMessage<T> {
  readonly id: string;
  /** Opaque handle for ack/release; changes with every receive. */
  readonly receipt: string;
  readonly body: T;
  /** 1 on first delivery (SQS `ApproximateReceiveCount`). */
  readonly receiveCount: number;
}

/**
 * At-least-once work queue with SQS semantics: received messages are invisible for the
 * visibility timeout, come back if not acked, and move to the dead-letter queue after
 * `maxReceiveCount` receives.
 */
export interface WorkQueue<T> {
  /** Sends every body (batched by the adapter: at most 10 per call for SQS). */
  send(bodies: readonly T[]): Promise<void>;
  /**
   * Up to `max` visible messages; may wait up to `waitMs` for one to arrive. Resolves `[]` at
   * once when `signal` is (or becomes) aborted.
   */
  receive(max: number, waitMs?: number, signal?: AbortSignal): Promise<QueueMessage<T>[]>;
  /** Delete: the message is done. */
  ack(message: QueueMessage<T>): Promise<void>;
  /** Make the message visible again after `delayMs` (default 0). */
  release(message: QueueMessage<T>, delayMs?: number): Promise<void>;
}

// ---------------------------------------------------------------- manifest cache

/**
 * Content-addressed cache of manifest (and config) bytes. Content is immutable by digest, so
 * entries never expire. A directory locally, S3 in Lambda. Implementations verify nothing:
 * callers store only bytes whose sha256 they checked, and re-check on read.
 */
export interface ContentCache {
  get(digest: string): Promise<Uint8Array | null>;
  put(digest: string, bytes: Uint8Array): Promise<void>;
}
