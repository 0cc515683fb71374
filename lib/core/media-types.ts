/**
 * Manifest and config media types of the OCI image spec and the Docker distribution spec,
 * the Accept list every manifest request sends, and predicates over media types.
 */

/** OCI image index. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI image manifest. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** Docker manifest list (schema2). */
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker image manifest, schema2. */
export const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
/** Docker image manifest, schema1 (unsigned). */
export const DOCKER_V1 = 'application/vnd.docker.distribution.manifest.v1+json';
/** Docker image manifest, schema1 signed (JWS). */
export const DOCKER_V1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
/** OCI image config. */
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** Docker image config. */
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

/**
 * The full Accept list, in preference order, sent on manifest GET and HEAD. Without the list
 * types a multi-arch tag resolves to one child; without any Accept Docker registries fall back
 * to schema1.
 */
export const ACCEPT_MANIFEST: readonly string[] = Object.freeze([
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_LIST,
  DOCKER_V2,
  DOCKER_V1_SIGNED,
  DOCKER_V1,
]);

/** Content types that say nothing about the manifest kind (a registry's generic answer). */
export const GENERIC_CONTENT_TYPES: readonly string[] = Object.freeze([
  'application/json',
  'text/plain',
  'application/octet-stream',
]);

/** `Content-Type` without parameters, trimmed and lower-cased. `''` when absent. */
export function baseMediaType(contentType: string | undefined | null): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Docker manifest list or OCI index. */
export function isIndex(mediaType: string): boolean {
  const t = baseMediaType(mediaType);
  return t === OCI_INDEX || t === DOCKER_LIST;
}

/** Docker schema2 or OCI image manifest (a single image with config and layers). */
export function isImage(mediaType: string): boolean {
  const t = baseMediaType(mediaType);
  return t === OCI_MANIFEST || t === DOCKER_V2;
}

/** Docker schema1, signed or not. */
export function isSchema1(mediaType: string): boolean {
  const t = baseMediaType(mediaType);
  return t === DOCKER_V1 || t === DOCKER_V1_SIGNED;
}

/** Any manifest type this tool understands. */
export function isKnownManifest(mediaType: string): boolean {
  return isIndex(mediaType) || isImage(mediaType) || isSchema1(mediaType);
}

/** OCI or Docker image config (carries the platform of a single image). */
export function isImageConfig(mediaType: string): boolean {
  const t = baseMediaType(mediaType);
  return t === OCI_CONFIG || t === DOCKER_CONFIG;
}
