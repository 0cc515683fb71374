/**
 * Registry primitives for the harness: push/delete blobs and manifests, GET/HEAD manifests.
 * Every function takes a {@link RegistryInfo} (default credentials: `tester`) or a
 * {@link Target} (`{reg, creds}`) to act as another user. No vitest imports.
 */
import { createHash } from 'node:crypto';
import { call, callOk, header, MANIFEST_ACCEPT, type Target } from './registry-client.js';
import type { RegistryInfo } from './registry-harness.js';

export const MT = {
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

export type Format = 'docker' | 'oci';
export type RegOrTarget = RegistryInfo | Target;

const target = (r: RegOrTarget): Target => ('reg' in r ? r : { reg: r });
/** `sha256:<hex>` of some bytes. */
export const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Upload a blob (POST then PUT `?digest=`); skipped when the repository already has it. */
export async function pushBlob(reg: RegOrTarget, repo: string, bytes: Uint8Array): Promise<string> {
  const t = target(reg);
  const digest = sha256(bytes);
  if ((await call(t, repo, 'HEAD', `/v2/${repo}/blobs/${digest}`)).status === 200) return digest;
  const start = await callOk(t, repo, 'POST', `/v2/${repo}/blobs/uploads/`, {}, [202]);
  const location = header(start, 'location');
  if (!location) throw new Error(`no upload Location from ${t.reg.name}`);
  const sep = location.includes('?') ? '&' : '?';
  await callOk(t, repo, 'PUT', `${location}${sep}digest=${encodeURIComponent(digest)}`, {
    headers: { 'content-type': 'application/octet-stream' }, body: bytes,
  }, [201]);
  return digest;
}

/**
 * PUT a manifest under `ref` (tag or its digest); returns its digest, checked against the
 * registry's unless `trustRegistryDigest` (schema1: the registry digests the unsigned payload).
 */
export async function pushManifest(
  reg: RegOrTarget, repo: string, ref: string, mediaType: string, bytes: Uint8Array | string,
  opts: { trustRegistryDigest?: boolean } = {},
): Promise<string> {
  const digest = sha256(bytes);
  const r = await callOk(target(reg), repo, 'PUT', `/v2/${repo}/manifests/${ref}`, {
    headers: { 'content-type': mediaType }, body: bytes,
  }, [201]);
  const got = header(r, 'docker-content-digest');
  if (got && got !== digest) {
    if (opts.trustRegistryDigest) return got;
    throw new Error(`registry digest ${got} != computed ${digest}`);
  }
  return digest;
}

/** DELETE a manifest by digest (untags every tag pointing at it in that repository). */
export async function deleteManifest(reg: RegOrTarget, repo: string, digest: string): Promise<void> {
  await callOk(target(reg), repo, 'DELETE', `/v2/${repo}/manifests/${digest}`, {}, [202]);
}

/** DELETE a blob link from a repository (HEAD on it then answers 404 there). */
export async function deleteBlob(reg: RegOrTarget, repo: string, digest: string): Promise<void> {
  await callOk(target(reg), repo, 'DELETE', `/v2/${repo}/blobs/${digest}`, {}, [202]);
}

/** A manifest as served, or `null` on 404. */
export interface Served { readonly digest: string; readonly mediaType: string; readonly bytes: Buffer }

/** GET a manifest with the full Accept list; `null` on 404, throws on anything else. */
export async function getManifest(reg: RegOrTarget, repo: string, ref: string): Promise<Served | null> {
  const r = await call(target(reg), repo, 'GET', `/v2/${repo}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } });
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`GET manifest ${repo}:${ref} -> ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`);
  const mediaType = (header(r, 'content-type') ?? '').split(';')[0]!.trim();
  return { digest: sha256(r.body), mediaType, bytes: r.body };
}

/** HEAD status of a manifest or blob path, e.g. `manifests/<ref>` or `blobs/<digest>`. */
export async function headStatus(reg: RegOrTarget, repo: string, what: string): Promise<number> {
  return (await call(target(reg), repo, 'HEAD', `/v2/${repo}/${what}`, { headers: { accept: MANIFEST_ACCEPT } })).status;
}


/** GET a blob's bytes (verified against its digest). */
export async function getBlob(reg: RegOrTarget, repo: string, digest: string): Promise<Buffer> {
  const r = await callOk(target(reg), repo, 'GET', `/v2/${repo}/blobs/${digest}`, {}, [200]);
  if (sha256(r.body) !== digest) throw new Error(`blob ${digest} in ${repo}: content does not match its digest`);
  return r.body;
}
