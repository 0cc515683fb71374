/**
 * Listings of the registry API that `--signatures` reads: a repository's tags
 * (`GET /v2/<name>/tags/list`, one page per call) and the OCI 1.1 referrers of a digest
 * (`GET /v2/<name>/referrers/<digest>`, every page). Pages are chained by the `Link: <…>;
 * rel="next"` header, which may only name the same listing on the same origin.
 */
import { isDigest } from '../core/digest.js';
import { parseManifest } from '../core/manifest.js';
import type { Descriptor, ImageRef } from '../core/types.js';
import type { RequestStats, TagPage } from '../ports.js';
import { RegistryError } from './errors.js';
import { apiRequest, interpret, type Session } from './request.js';
import { header, type HttpResponse } from './transport.js';

/** One page of a tag listing or of a referrers index is refused past this size. */
export const LISTING_PAGE_CAP = 4 * 1024 * 1024;
/** A referrers listing longer than this many pages is refused (MALFORMED). */
export const MAX_REFERRER_PAGES = 100;

const REFERRERS_ACCEPT = { accept: 'application/vnd.oci.image.index.v1+json' };

/** One page of the tag listing of `repo`; see `RegistryReader.listTags`. */
export async function listTagPage(s: Session, stats: RequestStats, repo: ImageRef, cursor?: string): Promise<TagPage | null> {
  if (cursor !== undefined && !cursor.startsWith('?')) throw malformed(repo, `not a tag listing cursor: ${cursor.slice(0, 80)}`);
  const res = await apiRequest(s, repo, {
    method: 'GET', path: `tags/list${cursor ?? ''}`, kind: 'tagList', maxBytes: LISTING_PAGE_CAP, what: 'tag listing',
  }, stats);
  if (interpret(res, repo, 'tag listing') === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(res.body).toString('utf8'));
  } catch (cause) {
    throw malformed(repo, 'tag listing is not valid JSON', cause);
  }
  const tags = (body as { tags?: unknown } | null)?.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
    throw malformed(repo, 'tag listing has no "tags" array of strings');
  }
  const next = nextPage(res, repo, `/v2/${repo.repository}/tags/list`);
  return next === undefined ? { tags } : { tags, next };
}

/** Every referrer of `digest` in `repo`; see `RegistryReader.referrers`. */
export async function listReferrers(s: Session, stats: RequestStats, repo: ImageRef, digest: string): Promise<Descriptor[] | null> {
  if (!isDigest(digest)) throw malformed(repo, `not a digest: ${digest}`);
  const path = `/v2/${repo.repository}/referrers/${digest}`;
  const out: Descriptor[] = [];
  const seen = new Set<string>();
  let query = '';
  for (let page = 1; ; page++) {
    const res = await apiRequest(s, repo, {
      method: 'GET', path: `referrers/${digest}${query}`, kind: 'referrers', maxBytes: LISTING_PAGE_CAP, what: 'referrers index',
      headers: REFERRERS_ACCEPT,
    }, stats);
    if (interpret(res, repo, `referrers of ${digest}`) === null) {
      if (page === 1) return null;
      throw malformed(repo, `referrers of ${digest}: page ${page} answered 404`);
    }
    let index;
    try {
      index = parseManifest(res.body, header(res, 'content-type'));
    } catch (cause) {
      throw malformed(repo, `referrers of ${digest}: ${(cause as Error).message}`, cause);
    }
    if (index.kind !== 'index') throw malformed(repo, `referrers of ${digest}: answered a ${index.mediaType}, not an image index`);
    out.push(...index.manifests);
    const next = nextPage(res, repo, path);
    if (next === undefined) return out;
    if (seen.has(next) || page >= MAX_REFERRER_PAGES) throw malformed(repo, `referrers of ${digest}: more than ${page} pages or a page loop`);
    seen.add(next);
    query = next;
  }
}

/**
 * The query (`?last=…&n=…`) of the `rel="next"` page named by the `Link` header, resolved
 * against the response URL; undefined without one. A link to another origin or path is MALFORMED
 * (a registry must not steer the client elsewhere).
 */
export function nextPage(res: Pick<HttpResponse, 'headers' | 'url'>, repo: ImageRef, path: string): string | undefined {
  const raw = res.headers['link'];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap(splitLinks);
  for (const v of values) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(v);
    if (!m || !/;\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2]!)) continue;
    let url: URL;
    try {
      url = new URL(m[1]!, res.url);
    } catch (cause) {
      throw malformed(repo, 'unparsable Link header', cause);
    }
    if (url.origin !== res.url.origin || url.pathname !== path) throw malformed(repo, `Link header names another listing (${url.pathname})`);
    if (url.search === '') throw malformed(repo, 'Link header names the first page again');
    return url.search;
  }
  return undefined;
}

/** `a, b` -> [a, b], keeping commas inside `<…>`. */
function splitLinks(header: string): string[] {
  return header.split(/,(?=\s*<)/);
}

function malformed(repo: ImageRef, message: string, cause?: unknown): RegistryError {
  return new RegistryError('MALFORMED', `${repo.registry}/${repo.repository}: ${message}`, { registry: repo.registry, cause });
}
