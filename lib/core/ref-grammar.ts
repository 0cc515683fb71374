/**
 * The distribution reference grammar (github.com/distribution/reference `regexp.go`), as anchored
 * regular expressions. Pure data: `ref.ts` uses these to validate each part of a reference.
 */

/** One lowercase path component: `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`. */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[[a-fA-F0-9:]+\\]';

/** A registry host: domain name, IPv4 or bracketed IPv6, with an optional `:port`. */
export const REGISTRY_HOST = new RegExp(`^(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?$`);

/** A tag: `[\w][\w.-]{0,127}`. */
export const TAG = /^[\w][\w.-]{0,127}$/;



/** A bare 64-hex identifier, which Docker refuses as a repository name (it looks like an image ID). */
export const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Maximum length of `registry/repository` after normalisation (distribution `NameTotalLengthMax`). */
export const NAME_TOTAL_LENGTH_MAX = 255;

/** Canonical name of Docker Hub, and the names that mean the same registry. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Docker Hub's API host. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
