/**
 * Content digests: `algorithm:hex`. sha256 is what registries use; sha512 is accepted too.
 */
import { createHash } from 'node:crypto';

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** True for a well-formed sha256/sha512 digest string. */
export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

/** True when a manifest reference names a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:/.test(reference);
}

/** `sha256:<hex>` (or the algorithm of `like`) of `bytes`. */
export function computeDigest(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True when `bytes` hash to `digest`. False for malformed or unsupported digests. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  if (!isDigest(digest)) return false;
  const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256';
  return computeDigest(bytes, algorithm) === digest;
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

/** True when `digest` names `bytes` (or, for signed schema1, its payload). */
export function manifestMatches(bytes: Uint8Array, digest: string): boolean {
  if (matchesDigest(bytes, digest)) return true;
  const payload = schema1Payload(bytes);
  return payload !== undefined && matchesDigest(payload, digest);
}
