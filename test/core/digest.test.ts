import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDigestReference, manifestDigest, manifestMatches, matchesDigest, schema1Payload } from '../../lib/core/digest.js';

const sha = (b: string | Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A schema1 prettyjws document whose digest is that of its payload (the signatures cut out). */
function signedSchema1(): { doc: Buffer; payload: Buffer } {
  const payload = Buffer.from('{\n   "schemaVersion": 1,\n   "name": "library/x",\n   "tag": "1"\n}');
  const formatLength = payload.length - 2; // everything before "\n}"
  const prot = Buffer.from(JSON.stringify({ formatLength, formatTail: Buffer.from('\n}').toString('base64url') })).toString('base64url');
  const doc = Buffer.concat([
    payload.subarray(0, formatLength),
    Buffer.from(`,\n   "signatures": [{"header": {}, "signature": "sig", "protected": "${prot}"}]\n}`),
  ]);
  return { doc, payload };
}

describe('digests', () => {
  it('a signed schema1 manifest is named by the digest of its payload', () => {
    const { doc, payload } = signedSchema1();
    expect(Buffer.from(schema1Payload(doc) ?? []).equals(payload)).toBe(true);
    expect(manifestDigest(doc)).toBe(sha(payload));
    expect(manifestMatches(doc, sha(payload))).toBe(true);
    expect(manifestMatches(doc, sha(doc))).toBe(true);
    expect(manifestMatches(doc, sha('other'))).toBe(false);
  });

  it('other manifests are named by the digest of their bytes', () => {
    const bytes = Buffer.from('{"schemaVersion":2}');
    expect(schema1Payload(bytes)).toBeUndefined();
    expect(manifestDigest(bytes)).toBe(sha(bytes));
  });

  it('checks sha512 too, and refuses malformed digests', () => {
    const b = Buffer.from('x');
    expect(matchesDigest(b, `sha512:${createHash('sha512').update(b).digest('hex')}`)).toBe(true);
    expect(matchesDigest(b, 'sha256:XYZ')).toBe(false);
    expect(matchesDigest(b, 'md5:abc')).toBe(false);
  });

  it.each([['latest', false], ['v1.2', false], [`sha256:${'a'.repeat(64)}`, true]])('isDigestReference(%s)', (r, want) => {
    expect(isDigestReference(r)).toBe(want);
  });
});
