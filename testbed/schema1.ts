/**
 * Docker schema1 signed manifests (`application/vnd.docker.distribution.manifest.v1+prettyjws`)
 * for the harness: libtrust-style JWS with an ephemeral P-256 key, so distribution 2.8 (with
 * `compatibility.schema1.enabled: true`, set on the `plain` registry only) accepts the push.
 * No vitest imports.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Platform } from '../lib/core/types.js';
import { gzipSync } from 'node:zlib';
import { pseudoRandom } from './images.js';
import { pushBlob, pushManifest, type RegOrTarget } from './registry-ops.js';

export const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

let key: KeyObject | undefined;
function signingKey(): KeyObject {
  key ??= generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return key;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * Sign a schema1 manifest the way libtrust's `PrettySignature` lays it out: the payload is
 * `JSON.stringify(m, null, 3)`, and the `signatures` array is spliced in before its final brace.
 */
export function signSchema1(manifest: Record<string, unknown>): Buffer {
  const payload = Buffer.from(JSON.stringify(manifest, null, 3));
  const text = payload.toString('utf8');
  const close = text.lastIndexOf('}');
  const formatLength = text.slice(0, close).trimEnd().length;
  const formatTail = text.slice(formatLength);
  const protectedHeader = b64url(JSON.stringify({
    formatLength, formatTail: b64url(formatTail), time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  }));
  const k = signingKey();
  const jwk = k.export({ format: 'jwk' });
  const signature = sign('sha256', Buffer.from(`${protectedHeader}.${b64url(payload)}`), { key: k, dsaEncoding: 'ieee-p1363' });
  const signatures = [{
    header: { jwk: { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }, alg: 'ES256' },
    signature: b64url(signature), protected: protectedHeader,
  }];
  const pretty = JSON.stringify(signatures, null, 3).replace(/\n/g, '\n   ');
  return Buffer.from(`${text.slice(0, formatLength)},\n   "signatures": ${pretty}${formatTail}`);
}

/** What {@link pushSchema1} built. `digest` is the registry's (`Docker-Content-Digest`). */
export interface PushedSchema1 {
  readonly digest: string;
  readonly bytes: Buffer;
  readonly layerDigests: readonly string[];
}

/**
 * Push a small signed schema1 image (one gzip layer) under `tag` into `repo`. Only the `plain`
 * harness registry accepts schema1 pushes.
 */
export async function pushSchema1(
  reg: RegOrTarget, repo: string, tag: string, platform: Platform, seed = 'schema1',
): Promise<PushedSchema1> {
  const layer = gzipSync(pseudoRandom(300, `${seed}/${platform.architecture}`));
  const layerDigest = await pushBlob(reg, repo, layer);
  const v1 = {
    id: pseudoRandom(32, `${seed}/id`).toString('hex'),
    architecture: platform.architecture, os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: '2024-01-01T00:00:00Z', config: { Env: [`SEED=${seed}`] },
  };
  const manifest = {
    schemaVersion: 1, name: repo, tag, architecture: platform.architecture,
    fsLayers: [{ blobSum: layerDigest }],
    history: [{ v1Compatibility: JSON.stringify(v1) }],
  };
  const bytes = signSchema1(manifest);
  const digest = await pushManifest(reg, repo, tag, SCHEMA1_SIGNED, bytes, { trustRegistryDigest: true });
  return { digest, bytes, layerDigests: [layerDigest] };
}
