/**
 * `-s/--source` and `-d/--destination` registry overrides and the default project, with the
 * semantics of hangar 2023 `utils.ConstructRegistry` / `GetProjectName` / `ReplaceProjectName`.
 *
 * These work on a repository NAME without tag or digest (the SOURCE and DESTINATION columns of a
 * mirror-format line, or the name part of a default-format line) and return a name text, which the
 * caller then parses with `parseReference(name, { explicitRegistry: true })` (the first segment of a
 * constructed name is always its registry, even a dot-less override like `-d myhost/ns`). Docker Hub normalisation happens there: hangar left
 * `docker.io/nginx` for skopeo to normalise, `parseReference` turns it into
 * `docker.io/library/nginx` (same effect, SPEC §2 wins).
 *
 * Rules:
 * - Split on `/` and drop empty segments.
 * - The first segment is a registry when it contains `.` or `:`, or equals `localhost` (hangar's
 *   rule: unlike `parseReference`, uppercase does not make a registry).
 * - With an override: a registry first segment is replaced by it, otherwise it is prepended.
 *   The override text is used verbatim (`-d host/ns` adds the path segment `ns`); only trailing `/`
 *   characters are removed from it.
 * - Without an override: the name keeps its registry, or gets `docker.io` prepended.
 * - Destination only: when the result is exactly `registry/name` (no project), the default project
 *   is inserted: `reg.io/name` -> `reg.io/library/name`. With 3 or more segments nothing changes.
 */
import { quote } from './messages.js';
import { RefError } from './ref.js';

const DOCKER_HUB = 'docker.io';

/** hangar's registry test for the first path segment. */
export function isRegistrySegment(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost';
}

/**
 * hangar 2023 `ConstructRegistry(name, override)`.
 *
 * @param name repository name without tag or digest, e.g. `nginx`, `quay.io/coreos/etcd`.
 * @param override `-s`/`-d` text; `undefined` or empty means no override.
 * @throws RefError when `name` has no segment at all.
 */
export function constructRegistry(name: string, override?: string): string {
  const segments = name.split('/').filter((s) => s !== '');
  const first = segments[0];
  if (first === undefined) throw new RefError(`missing repository name in "${quote(name)}"`);
  const rest = isRegistrySegment(first) ? segments.slice(1) : segments;
  const registry = override?.replace(/\/+$/, '') || (isRegistrySegment(first) ? first : DOCKER_HUB);
  if (rest.length === 0) throw new RefError(`missing repository name in "${quote(name)}"`);
  return [registry, ...rest].join('/');
}

/** Inserts `defaultProject` into a name that is exactly `registry/name`; leaves other names alone. */
export function withDefaultProject(name: string, defaultProject: string): string {
  const segments = name.split('/').filter((s) => s !== '');
  if (segments.length !== 2) return segments.join('/');
  return [segments[0], defaultProject, segments[1]].join('/');
}

/** The source name of a line: `constructRegistry(name, sourceRegistry)`. */
export function constructSource(name: string, sourceRegistry?: string): string {
  return constructRegistry(name, sourceRegistry);
}

/** The destination name of a line: override, then the default project for `registry/name`. */
export function constructDestination(name: string, destRegistry: string | undefined, defaultProject: string): string {
  return withDefaultProject(constructRegistry(name, destRegistry), defaultProject);
}
