/**
 * Image references: `[registry/]repo[:tag][@digest]`, parsed and normalised the way Docker does.
 *
 * - No registry means `docker.io`; `index.docker.io` and `registry-1.docker.io` are aliases of it.
 *   A single-segment repository on docker.io gets `library/` (`nginx` -> `docker.io/library/nginx`).
 * - The first path part is a registry when it contains `.` or `:`, is `localhost`, or has uppercase
 *   letters (Docker's `splitDockerDomain`): `Foo/bar` names registry `Foo`, repository `bar`.
 * - The repository path is lowercase and follows the distribution grammar; `registry/repository`
 *   is at most 255 characters.
 * - Tag defaults to `latest` when the reference has neither tag nor digest. A reference with a
 *   digest and no tag keeps `tag` absent.
 * - Digests: `sha256:` with 64 or `sha512:` with 128 lowercase hex characters (core/digest.ts);
 *   any other algorithm or length is INVALID.
 *
 * @example
 * parseReference('nginx') // { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }
 */
import { MirrorValidateError } from './errors.js';
import { isDigest } from './digest.js';
import { quote } from './messages.js';
import type { ImageRef } from './types.js';
import {
  DOCKER_HUB, DOCKER_HUB_ALIASES, DOCKER_HUB_API_HOST, IDENTIFIER, NAME_TOTAL_LENGTH_MAX,
  PATH_COMPONENT, REGISTRY_HOST, TAG,
} from './ref-grammar.js';

/** A reference (or one of its parts) that does not follow the grammar. The message names the part. */
export class RefError extends MirrorValidateError<'INVALID_REFERENCE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_REFERENCE', message, options);
  }
}

/** The tag used when a reference has neither tag nor digest. */
export const DEFAULT_TAG = 'latest';

/** Throws a RefError unless `tag` is a valid tag. */
export function checkTag(tag: string): void {
  if (!TAG.test(tag)) throw new RefError(`invalid tag "${quote(tag)}"`);
}

/** Throws a RefError unless `digest` is a sha256 or sha512 digest (see core/digest.ts). */
export function checkDigest(digest: string): void {
  if (!isDigest(digest)) {
    throw new RefError(`invalid digest "${quote(digest)}": expected sha256 with 64 or sha512 with 128 lowercase hex characters`);
  }
}

/**
 * True for a project (`--default-project`, the `default-project` metadata, the stack's
 * `defaultProject`): a lowercase repository path of one or more components, e.g. `library`
 * or `team/mirror`. The one rule for all three.
 */
export function isProjectPath(project: string): boolean {
  return project.length > 0 && project.length <= NAME_TOTAL_LENGTH_MAX && project.split('/').every((c) => PATH_COMPONENT.test(c));
}

/** Canonical registry name: the Docker Hub aliases become `docker.io`, anything else is kept. */
export function canonicalRegistry(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? DOCKER_HUB : registry;
}

/** True when the first part of a name is a registry host by Docker's rule. */
function looksLikeRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** Splits `name[:tag][@digest]` into its three texts (tag/digest undefined when absent). */
export function splitReference(text: string): { name: string; tag?: string; digest?: string } {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest !== undefined && { digest }) };
  }
  return { name: rest, ...(digest !== undefined && { digest }) };
}

/** Validates a repository path and returns it (with `library/` added on Docker Hub). */
function normaliseRepository(registry: string, path: string): string {
  if (path !== path.toLowerCase()) throw new RefError(`repository "${quote(path)}" must be lowercase`);
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) {
    throw new RefError(`invalid repository name "${quote(path)}"`);
  }
  return registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
}

/** Options of {@link parseReference}. */
export interface ParseOptions {
  /**
   * The first path segment is the registry host even when it does not look like one. For names
   * built by `constructRegistry`, whose first segment is always the registry (`-d myhost/ns`).
   */
  readonly explicitRegistry?: boolean;
}

/**
 * Parses and normalises `[registry/]repo[:tag][@digest]`.
 *
 * @throws RefError with a one-line message naming the offending part.
 */
export function parseReference(text: string, options: ParseOptions = {}): ImageRef {
  if (text === '') throw new RefError('empty image reference');
  const { name, tag, digest } = splitReference(text);
  if (digest !== undefined) checkDigest(digest);
  if (tag !== undefined) checkTag(tag);
  if (name === '') throw new RefError(`missing repository name in "${quote(text)}"`);
  if (IDENTIFIER.test(name)) {
    throw new RefError(`invalid repository name "${quote(name)}": a 64-character hex string looks like an image ID`);
  }
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  let registry = DOCKER_HUB;
  let path = name;
  if (options.explicitRegistry === true && slash === -1) throw new RefError(`missing repository name in "${quote(text)}"`);
  if (slash !== -1 && (options.explicitRegistry === true || looksLikeRegistry(first))) {
    if (!REGISTRY_HOST.test(first)) throw new RefError(`invalid registry host "${quote(first)}"`);
    registry = canonicalRegistry(first);
    path = name.slice(slash + 1);
  }
  if (path === '') throw new RefError(`missing repository name in "${quote(text)}"`);
  const repository = normaliseRepository(registry, path);
  const full = `${registry}/${repository}`;
  if (full.length > NAME_TOTAL_LENGTH_MAX) {
    throw new RefError(`image name "${quote(full)}" is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : digest === undefined ? { tag: DEFAULT_TAG } : {}),
    ...(digest !== undefined && { digest }),
  };
}

/** `registry/repo:tag`, `registry/repo@digest` or `registry/repo:tag@digest`. */
export function formatReference(ref: ImageRef): string {
  const tag = ref.tag !== undefined ? `:${ref.tag}` : '';
  const digest = ref.digest !== undefined ? `@${ref.digest}` : '';
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** The host to send registry API requests to: `registry-1.docker.io` for Docker Hub, else the registry. */
export function apiHost(registry: string): string {
  return canonicalRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}
