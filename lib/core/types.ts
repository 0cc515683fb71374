/**
 * Shared value types of the pure core. No I/O, no AWS, no undici: this module is a leaf
 * that every other part of the project may import.
 */

/** The five verdicts a list line can end in. */
export type Status = 'PASS' | 'FAILED' | 'ERROR' | 'SKIPPED' | 'INVALID';

/** FAILED codes: the mirror is wrong. The one list of them. */
export const FAIL_CODES = Object.freeze([
  'DEST_NOT_FOUND', 'DEST_MEDIA_TYPE', 'DEST_LIST_LENGTH', 'DIGEST_MISMATCH', 'PLATFORM_MISMATCH', 'CHILD_MISSING',
  'BLOB_MISSING', 'SIGNATURE_MISSING',
] as const);
export type FailCode = (typeof FAIL_CODES)[number];

/**
 * ERROR codes: we could not tell (fail-closed). NOT_ALLOWED: the registry allowlist or an SSRF
 * rule refused the request before it was sent. NO_RESULT is set by the pipeline for lost lines.
 * The one list of them.
 */
export const ERROR_CODES = Object.freeze([
  'SOURCE_ERROR', 'AUTH', 'TLS', 'NETWORK', 'RATE_LIMITED', 'MALFORMED', 'TIMEOUT', 'NOT_ALLOWED', 'NO_RESULT',
] as const);
export type ErrorCode = (typeof ERROR_CODES)[number];

/** True when `code` is one of the ERROR codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

/** SKIPPED: the source has nothing for the requested platforms. */
export type SkipCode = 'NO_MATCHING_PLATFORM';

/** INVALID: the list line could not be parsed. */
export type InvalidCode = 'INVALID_FORMAT' | 'INVALID_REFERENCE' | 'INVALID_ENCODING' | 'LINE_TOO_LONG';

export type ReasonCode = FailCode | ErrorCode | SkipCode | InvalidCode;

/** A fully normalised image reference. `registry` is the canonical name (`docker.io`, never `index.docker.io`). */
export interface ImageRef {
  readonly registry: string;
  /** Repository path, e.g. `library/nginx`. Lowercase per the distribution grammar. */
  readonly repository: string;
  /** Tag; absent only when the reference is by digest alone. */
  readonly tag?: string;
  /** `sha256:<64 hex>` when the line pinned a digest. */
  readonly digest?: string;
}

/** One image line of a list: its number, trimmed text and the resolved pair to compare. */
export interface ImageItem {
  /** 1-based line number in the input file. */
  readonly line: number;
  /** The trimmed original line. */
  readonly input: string;
  readonly source: ImageRef;
  readonly destination: ImageRef;
}

/** Platform of a manifest: as found in a list entry or in an image config. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** An OCI/Docker content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
  /** OCI 1.1: the type of an artifact (entries of a referrers index carry it). */
  readonly artifactType?: string;
}

/** One entry of a srcSpec/dstSpec, in the shape hangar prints. */
export interface SpecEntry {
  readonly digest: string;
  readonly mediaType?: string;
  readonly platform: {
    readonly architecture: string;
    readonly os: string;
    readonly variant?: string;
    readonly 'os.version'?: string;
  };
}

/** Which platforms the run validates. Applied to source and destination alike. */
export interface PlatformFilter {
  readonly arch: readonly string[];
  readonly os: readonly string[];
  /** When true, attestation manifests take part in the comparison. */
  readonly attestations: boolean;
}

/**
 * The SPEC §3 rule that decided a verdict: `index` (a list or index compared entry by entry,
 * nested indexes included), `artifact` (a platform-less manifest, or an index of them, compared
 * by digest), `single` (one image, schema2, OCI or schema1, against the same manifest or a
 * one-entry list).
 */
export type Rule = 'artifact' | 'index' | 'single';

/** Request counters, by kind. Every field is a count of HTTP requests made. */
export interface RequestCounts {
  manifestHead: number;
  manifestGet: number;
  blobHead: number;
  blobGet: number;
  token: number;
  ping: number;
  /** `GET /v2/<name>/tags/list` pages (`--signatures`). */
  tagList: number;
  /** `GET /v2/<name>/referrers/<digest>` pages (`--signatures`). */
  referrers: number;
  retries: number;
}

/** The final verdict for one list line. */
export interface LineResult {
  /** 1-based line number in the input file. */
  readonly line: number;
  /** The trimmed original line. */
  readonly input: string;
  readonly status: Status;
  readonly code: ReasonCode | null;
  readonly message: string;
  /** `docker://`-less references actually inspected. */
  readonly source?: string;
  readonly destination?: string;
  readonly srcSpec?: readonly SpecEntry[];
  readonly dstSpec?: readonly SpecEntry[];
  /** The rule that decided, once the source was read. */
  readonly rule?: Rule;
  /** Wall time spent validating this line, in milliseconds. */
  readonly durationMs?: number;
  readonly requests?: Partial<RequestCounts>;
  /** Docker Hub `ratelimit-remaining` seen last while validating this line. */
  readonly rateLimitRemaining?: number;
}
