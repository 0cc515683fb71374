/**
 * Content digests, the one home of their syntax and hashing: `sha256:<64 hex>` or
 * `sha512:<128 hex>`, lowercase. Any other algorithm or length is not a digest (an INVALID list
 * line, a MALFORMED manifest descriptor). Hashing is node:crypto's (no I/O).
 */
import { createHash } from 'node:crypto';

/** The digest algorithms this tool accepts, with their hex lengths. */
export type DigestAlgorithm = 'sha256' | 'sha512';
const DIGEST_RE = /^(sha256):([a-f0-9]{64})$|^(sha512):([a-f0-9]{128})$/;

/** True for a well-formed sha256/sha512 digest string. */
export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

/** Algorithm and hex of a well-formed digest; null for anything else. */
export function digestParts(value: string): { algorithm: DigestAlgorithm; hex: string } | null {
  const m = DIGEST_RE.exec(value);
  if (!m) return null;
  return m[1] ? { algorithm: 'sha256', hex: m[2]! } : { algorithm: 'sha512', hex: m[4]! };
}

/** True when a manifest reference names a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:/.test(reference);
}

/** `sha256:<hex>` (or `sha512:`) of `bytes`. */
export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True when `bytes` hash to `digest`. False for malformed or unsupported digests. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  const parts = digestParts(digest);
  return parts !== null && computeDigest(bytes, parts.algorithm) === digest;
}

/**
 * The signed payload of a schema1 `prettyjws` manifest: the bytes registries hash for its
 * digest (the document with the `signatures` block cut out, per the JWS `formatLength` and
 * `formatTail` protected header). Undefined when `bytes` is not a signed schema1 manifest.
 */
export function schema1Payload(bytes: Uint8Array): Uint8Array | undefined {
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.includes('"signatures"')) return undefined;
  try {
    const doc = JSON.parse(text) as { schemaVersion?: unknown; signatures?: Array<{ protected?: unknown }> };
    const prot = doc.schemaVersion === 1 ? doc.signatures?.[0]?.protected : undefined;
    if (typeof prot !== 'string') return undefined;
    const header = JSON.parse(Buffer.from(prot, 'base64url').toString('utf8')) as { formatLength?: unknown; formatTail?: unknown };
    if (typeof header.formatLength !== 'number' || typeof header.formatTail !== 'string') return undefined;
    if (header.formatLength < 0 || header.formatLength > bytes.length) return undefined;
    return Buffer.concat([bytes.subarray(0, header.formatLength), Buffer.from(header.formatTail, 'base64url')]);
  } catch {
    return undefined;
  }
}

/** The digest registries give a manifest: of its schema1 signed payload if it has one, else of its bytes. */
export function manifestDigest(bytes: Uint8Array): string {
  return computeDigest(schema1Payload(bytes) ?? bytes);
}

/**
 * The sha256 name of a manifest whose `digest` (any accepted algorithm) was verified against its
 * `bytes`: `digest` itself when sha256, else computed. Index entries, cosign tags and registries'
 * `Docker-Content-Digest` name manifests by sha256, so a line pinned by sha512 (or a registry
 * naming by sha512) is compared under this name.
 */
export function sha256Name(digest: string, bytes: Uint8Array): string {
  return digestParts(digest)?.algorithm === 'sha256' ? digest : manifestDigest(bytes);
}

/** True when `digest` names `bytes` (or, for signed schema1, its payload). */
export function manifestMatches(bytes: Uint8Array, digest: string): boolean {
  if (matchesDigest(bytes, digest)) return true;
  const payload = schema1Payload(bytes);
  return payload !== undefined && matchesDigest(payload, digest);
}

/**
 * The tag-schema name of a digest, `<alg>-<hex>` with the hex cut to 64 characters (OCI 1.1
 * referrers tag schema; cosign's `.sig`/`.att`/`.sbom` tags append to it). Undefined for a
 * malformed digest.
 */
export function digestTag(digest: string): string | undefined {
  const parts = digestParts(digest);
  return parts ? `${parts.algorithm}-${parts.hex.slice(0, 64)}` : undefined;
}
