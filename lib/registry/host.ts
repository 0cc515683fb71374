/**
 * Registry name → API host. Local stand-in until `lib/core/ref.ts` exports `apiHost`: Docker Hub
 * (`docker.io`, `index.docker.io`) is served by `registry-1.docker.io`; every other registry
 * name (with its port, if any) is its own host.
 */
import { DOCKER_HUB, DOCKER_HUB_ALIASES, DOCKER_HUB_API_HOST } from '../core/ref-grammar.js';

/** The `host[:port]` that serves the registry API for `registry`. */
export function apiHost(registry: string): string {
  const name = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(name) ? DOCKER_HUB_API_HOST : name;
}

/** True for Docker Hub under any of its names. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) || registry.toLowerCase() === DOCKER_HUB;
}
