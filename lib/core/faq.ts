/**
 * The reason-code FAQ: for every code, its status, what the message looks like, the usual
 * cause and the fix. The wording follows README.md's "FAQ: reason codes" table (keep the two in
 * step); the HTML report and the JUnit details quote it.
 */
import type { ReasonCode, Status } from './types.js';

/** One row of the FAQ. */
export interface FaqEntry {
  readonly status: Status;
  /** What the message looks like. */
  readonly message: string;
  readonly cause: string;
  readonly fix: string;
}

/** Every reason code's FAQ row, in README order. */
export const FAQ: Readonly<Record<ReasonCode, FaqEntry>> = Object.freeze({
  DEST_NOT_FOUND: {
    status: 'FAILED', message: 'destination manifest does not exist (… (artifact <digest>) for an artifact)',
    cause: 'the destination tag is absent (the registry answered 404 / MANIFEST_UNKNOWN); for an artifact line (a cosign sha256-<hex>.sig/.att/.sbom tag, a referrers sha256-<hex> tag, a chart), the signature or artifact was not mirrored',
    fix: 'run mirror for this line (with signatures, e.g. skopeo copy --all); check -d and --default-project',
  },
  DEST_MEDIA_TYPE: {
    status: 'FAILED', message: 'destination manifest MIME type unknown: <type>',
    cause: 'the source is a multi-arch list but the destination tag is a single manifest (or something else)',
    fix: 'mirror again with a tool that keeps the list; inspect with skopeo inspect --raw docker://<dest>',
  },
  DEST_LIST_LENGTH: {
    status: 'FAILED', message: 'destination manifest list length should be 1',
    cause: 'the source is a single image but the destination list holds several',
    fix: 'the destination tag was overwritten by another image; mirror again',
  },
  DIGEST_MISMATCH: {
    status: 'FAILED', message: 'source digest "…" != dest digest "…" ("artifact: …" for an artifact), or srcSpec/dstSpec',
    cause: 'the upstream image was updated after the mirror ran (same platform, other digest), an artifact differs, or an entry without a platform (a signature added upstream later) is missing from the destination list',
    fix: 'run mirror again',
  },
  PLATFORM_MISMATCH: {
    status: 'FAILED', message: 'source arch "…" != dest arch "…", or srcSpec/dstSpec',
    cause: 'a platform is missing or extra in the destination, a variant or os.version differs (after containerd\'s normalisation: arm64 = arm64/v8, arm = arm/v7), the destination adds a duplicate, or an attestation is missing (--attestations)',
    fix: 'run mirror again with the same --arch/--os as here',
  },
  CHILD_MISSING: {
    status: 'FAILED', message: 'child manifest … does not exist',
    cause: 'the destination list names a child manifest (an image, an artifact or a nested index) the registry no longer has (deleted or garbage-collected)',
    fix: "mirror again; check the registry's garbage collection",
  },
  BLOB_MISSING: {
    status: 'FAILED', message: 'blob … does not exist (--deep only)',
    cause: 'a config or layer blob of a destination child is gone',
    fix: "mirror again; check the registry's storage and garbage collection",
  },
  SIGNATURE_MISSING: {
    status: 'FAILED', message: 'destination signature tag sha256-….sig does not exist / is sha256:…, or referrer … (<artifactType>) of … does not exist (--signatures only)',
    cause: "a cosign signature, attestation or SBOM tag, or an OCI referrer (signature, SBOM) of the source image or of one of its matched children, was not copied, or another one was",
    fix: 'copy the signatures too (cosign copy, skopeo copy --all of the sha256-<hex>.sig/.att/.sbom tags, oras cp -r, regctl image copy --referrers)',
  },
  NO_MATCHING_PLATFORM: {
    status: 'SKIPPED', message: 'no image available for specified arch & OS list',
    cause: 'the source has no entry for --arch/--os (artifacts and entries without a platform always count); mirror skips such images too',
    fix: 'nothing, or widen --arch/--os',
  },
  SOURCE_ERROR: {
    status: 'ERROR', message: 'source manifest does not exist / unsupported type',
    cause: 'the source tag does not exist, or has a type we cannot validate',
    fix: 'fix the list line',
  },
  AUTH: {
    status: 'ERROR', message: 'authentication required / access denied',
    cause: '401/403 on either side: no or wrong credentials, or no pull permission',
    fix: 'set SOURCE_*/DEST_*, auth.json or ~/.docker/config.json',
  },
  TLS: {
    status: 'ERROR', message: 'certificate error',
    cause: 'self-signed or mismatched certificate, or a plain-HTTP registry',
    fix: '--ca-file, or --tls-verify=false',
  },
  NETWORK: {
    status: 'ERROR', message: 'connection refused, reset, 5xx',
    cause: 'the registry could not be reached or kept failing after retries',
    fix: 'retry later; check the host and port',
  },
  RATE_LIMITED: {
    status: 'ERROR', message: '429 Too Many Requests',
    cause: 'still rate-limited after retries that honour Retry-After',
    fix: 'authenticate (higher Docker Hub limits), lower -j, retry later',
  },
  MALFORMED: {
    status: 'ERROR', message: 'invalid manifest / digest mismatch / too large / too many entries',
    cause: 'the registry returned a body that is not a valid manifest, or whose sha256 does not match its digest, or an index of more than 10,000 entries (nested indexes included) or nested more than 4 levels deep',
    fix: 'look at the manifest with skopeo inspect --raw; a proxy may be rewriting it',
  },
  TIMEOUT: {
    status: 'ERROR', message: 'validation did not finish within N s',
    cause: 'the image took longer than --timeout',
    fix: 'retry; raise --timeout',
  },
  NOT_ALLOWED: {
    status: 'ERROR', message: 'registry "…" is not on the allowlist',
    cause: 'the line names a registry the deployment may not contact, or a token realm or redirect resolved to a private address (SSRF protection)',
    fix: 'add the registry to the stack\'s registries context, or fix the list line',
  },
  NO_RESULT: {
    status: 'ERROR', message: 'no result: the line was lost before validation finished',
    cause: 'the pipeline lost the line (its message exhausted its retries, or the run passed its deadline)',
    fix: 'feed the failed file back in as a new list',
  },
  INVALID_FORMAT: {
    status: 'INVALID', message: 'expected "SOURCE DESTINATION TAG" or one image reference',
    cause: 'wrong number of fields', fix: 'fix the line',
  },
  INVALID_REFERENCE: {
    status: 'INVALID', message: 'e.g. repository "Foo" must be lowercase',
    cause: 'not a valid image reference', fix: 'fix the line',
  },
  INVALID_ENCODING: {
    status: 'INVALID', message: 'line is not valid UTF-8',
    cause: 'bytes that are not UTF-8', fix: 'save the list as UTF-8',
  },
  LINE_TOO_LONG: {
    status: 'INVALID', message: 'line is N characters long',
    cause: 'a line over 4096 characters', fix: 'fix the line',
  },
});

/** The FAQ row of `code`, or undefined for null or an unknown code. */
export function faqFor(code: string | null | undefined): FaqEntry | undefined {
  if (!code || !Object.prototype.hasOwnProperty.call(FAQ, code)) return undefined;
  return FAQ[code as ReasonCode];
}

/** The README's "FAQ: reason codes" table, as Markdown (README.md embeds exactly this; a test checks it). */
export function faqMarkdownTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = (Object.entries(FAQ) as [ReasonCode, FaqEntry][]).map(([code, e]) =>
    `| ${e.status} | \`${code}\` | ${cell(e.message)} | ${cell(e.cause)} | ${cell(e.fix)} |`);
  return ['| status | code | message looks like | cause | fix |', '|---|---|---|---|---|', ...rows].join('\n');
}
