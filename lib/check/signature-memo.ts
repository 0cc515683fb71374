/**
 * What `--signatures` learns about a repository once per run and shares between lines (single
 * flight: concurrent lines wait for the one request in flight):
 *
 * - whether the registry serves the OCI 1.1 referrers API there (the first 404 says it does not,
 *   so later digests of that repository go straight to the `sha256-<hex>` tag schema);
 * - at the source, which signature-schema tags exist (`sha256-<hex>`, `.sig`, `.att`, `.sbom`).
 *
 * Request economy for finding a line's candidate tags at the source: one tag listing per
 * repository and run (every `Link` page) when it costs no more requests than HEADs would: the
 * listing may take as many pages as the line that starts it has candidates; a repository whose
 * listing is longer is read by HEADs of the candidates for the rest of the run. Either way a tag
 * found present is HEADed once for its digest (HEAD-first: no GET). At the destination only the
 * tags present at the source are asked for, by HEAD: a listing could not save those HEADs.
 *
 * The engine keeps one memo per run (a new run sees new tags). Pure: I/O through the port only.
 * A line that waited for a request another line started, and that line's time limit cancelled
 * it, asks again itself (core/cancel.ts): one line's TIMEOUT never becomes another's.
 */
import { isCancellation } from '../core/cancel.js';
import { MirrorValidateError } from '../core/errors.js';
import type { Descriptor, ImageRef } from '../core/types.js';
import type { RegistryReader } from '../ports.js';
import { mapLimit } from './concurrency.js';

/** Tags of the referrers tag schema and cosign's, the only ones a listing keeps. */
const SIGNATURE_TAG = /^sha(?:256|512)-[a-f0-9]{64}(?:\.(?:sig|att|sbom))?$/;

type Listing = ReadonlySet<string> | 'use-heads';

/** Per-run knowledge of one side's repositories; see the module doc. */
export class SideMemo {
  private readonly referrersApi = new Map<string, Promise<boolean>>();
  private readonly listings = new Map<string, Promise<Listing>>();

  /** @param listsTags whether candidate tags may be found by a tag listing (the source side). */
  constructor(private readonly listsTags: boolean) {}

  /**
   * The referrers of `digest`, or null when the repository's registry has no referrers API. The
   * first call per repository probes; calls made meanwhile wait for its answer.
   */
  async referrers(reader: RegistryReader, repo: ImageRef, digest: string, again = true): Promise<Descriptor[] | null> {
    const key = repoKey(repo);
    const known = again ? this.referrersApi.get(key) : undefined; // asking again: this line's own probe
    if (known === undefined) {
      const first = reader.referrers(repo, digest);
      this.share(this.referrersApi, key, first.then((r) => r !== null));
      return first;
    }
    const api = await known.catch((err: unknown) => {
      if (again && isCancellation(err)) return undefined; // the probing line was cancelled: probe again, once
      throw err;
    });
    if (api === undefined) return this.referrers(reader, repo, digest, false);
    return api ? reader.referrers(repo, digest) : null;
  }

  /**
   * For every candidate tag, its digest when `repo` has it, else null (proven absent: not in a
   * complete listing, or a 404 on its HEAD).
   */
  async findTags(
    reader: RegistryReader, repo: ImageRef, candidates: readonly string[], limit: number, again = true,
  ): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    if (candidates.length === 0) return out;
    let asked = candidates;
    if (this.listsTags) {
      const key = repoKey(repo);
      let listing = again ? this.listings.get(key) : undefined; // asking again: this line's own listing
      if (listing === undefined) {
        listing = listSignatureTags(reader, repo, candidates.length);
        this.share(this.listings, key, listing);
      }
      const tags = await listing.catch((err: unknown) => {
        if (again && isCancellation(err)) return undefined; // the listing line was cancelled: list again, once
        throw err;
      });
      if (tags === undefined) return this.findTags(reader, repo, candidates, limit, false);
      if (tags !== 'use-heads') {
        asked = candidates.filter((t) => tags.has(t));
        for (const t of candidates) if (!tags.has(t)) out.set(t, null);
      }
    }
    const heads = await mapLimit(asked, limit, (t) => reader.headManifest(repo, t));
    asked.forEach((t, i) => out.set(t, heads[i]?.digest ?? null));
    return out;
  }

  /** Keeps `p` for later callers unless it fails (the next caller asks again). */
  private share<T>(map: Map<string, Promise<T>>, key: string, p: Promise<T>): void {
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
  }
}

/** The source and destination memos of one run. */
export class SignatureMemo {
  readonly source = new SideMemo(true);
  readonly destination = new SideMemo(false);
}

/**
 * The signature-schema tags of `repo`, following `Link` pages up to `maxPages`; `'use-heads'` when
 * there are more (HEADs are then cheaper), or when the listing answers 404: the line has just read
 * this repository, so a 404 there proves nothing, and only a HEAD per candidate proves absence.
 */
export async function listSignatureTags(reader: RegistryReader, repo: ImageRef, maxPages: number): Promise<Listing> {
  const found = new Set<string>();
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const got = await reader.listTags(repo, cursor);
    if (got === null) return 'use-heads';
    for (const t of got.tags) if (SIGNATURE_TAG.test(t)) found.add(t);
    if (got.next === undefined) return found;
    if (page >= maxPages) return 'use-heads';
    if (seen.has(got.next)) {
      throw new MirrorValidateError('MALFORMED', `${repo.registry}/${repo.repository}: tag listing pages loop at ${got.next.slice(0, 80)}`);
    }
    seen.add(got.next);
    cursor = got.next;
  }
}

function repoKey(repo: ImageRef): string {
  return `${repo.registry}/${repo.repository}`;
}
