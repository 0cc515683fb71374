/**
 * Registry host helpers. `apiHost` lives in lib/core/ref.ts (Docker Hub → registry-1.docker.io).
 */
import { DOCKER_HUB_ALIASES } from '../core/ref-grammar.js';

export { apiHost } from '../core/ref.js';

/** True for Docker Hub under any of its names. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase());
}
