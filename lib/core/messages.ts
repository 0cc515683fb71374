/**
 * Result messages. The wording of the seed document's FAQ is kept (with its typos fixed) so
 * users can look messages up: `destination manifest does not exist`,
 * `destination manifest MIME type unknown: <type>`, `destination manifest list length should be 1`,
 * `source <field> "<a>" != dest <field> "<b>"`.
 */

export const DEST_NOT_FOUND = 'destination manifest does not exist';
export const SOURCE_NOT_FOUND = 'source manifest does not exist';
export const DEST_LIST_LENGTH = 'destination manifest list length should be 1';
/** Longest piece of list or registry text quoted in a message; longer text is cut with `…`. */
export const QUOTE_MAX = 200;
/** Longest message of a result; a longer one is cut with `…`. */
export const MESSAGE_MAX = 4096;
/** Most differences listed one by one in a list mismatch; the rest are counted. */
export const DETAILS_MAX = 50;

/** `text` cut to `max` characters, with `…` when something was cut. */
export function quote(text: string, max = QUOTE_MAX): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The first {@link DETAILS_MAX} details joined with `; `, then `… and N more`; at most `max` characters. */
export function summarise(details: readonly string[], max = MESSAGE_MAX): string {
  const shown = details.slice(0, DETAILS_MAX).join('; ');
  const more = details.length > DETAILS_MAX ? `; … and ${details.length - DETAILS_MAX} more` : '';
  return quote(shown, Math.max(0, max - more.length - 1)) + more;
}

/** Appended to list digest mismatches (FAQ item 5). */
export const UPSTREAM_UPDATED = 'the upstream image was updated and the mirror was not: run mirror again';

/** `destination manifest MIME type unknown: <type>` */
export function destMediaType(mediaType: string): string {
  return `destination manifest MIME type unknown: ${quote(mediaType) || '(none)'}`;
}

/** `source <field> "<a>" != dest <field> "<b>"` */
export function fieldMismatch(field: string, source: string, dest: string): string {
  return `source ${field} "${quote(source)}" != dest ${field} "${quote(dest)}"`;
}

/** DEST_NOT_FOUND for an artifact (a signature, SBOM, chart or other platform-less manifest). */
export function artifactNotFound(digest: string): string {
  return `${DEST_NOT_FOUND} (artifact ${digest})`;
}

/** DIGEST_MISMATCH for an artifact: `artifact: source digest "<a>" != dest digest "<b>"`. */
export function artifactMismatch(source: string, dest: string): string {
  return `artifact: ${fieldMismatch('digest', source, dest)}`;
}

/** `dest os.version is "<v>", should be empty` */
export function osVersionNotEmpty(version: string): string {
  return `dest os.version is "${quote(version)}", should be empty`;
}

/** hangar's list mismatch headline: `source manifest "<src>" != dest "<dst>", tag "<tag>"`. */
export function listMismatch(source: string, dest: string, tag: string): string {
  return `source manifest "${source}" != dest "${dest}", tag "${tag}"`;
}

/** PASS line body, as hangar prints it: `[<src>] == [<dst>]`, then ` (artifact)` for an artifact. */
export function passed(source: string, dest: string, artifact = false): string {
  return `[${source}] == [${dest}]${artifact ? ' (artifact)' : ''}`;
}

/** SKIPPED: the source has no entry for the requested platforms. */
export function noMatchingPlatform(arch: readonly string[], os: readonly string[]): string {
  return `skip: no image available for specified arch & OS list (arch ${arch.join(',')}, os ${os.join(',')})`;
}

/** CHILD_MISSING: a matched child of the destination list is gone. */
export function childMissing(digest: string, platform: string): string {
  return `destination child manifest ${digest} (${platform}) does not exist`;
}

/** BLOB_MISSING (`--deep`): a config or layer blob of a destination manifest is gone. */
export function blobMissing(digest: string, platform: string): string {
  return `destination blob ${digest} of ${platform} does not exist`;
}

/** `sha256:0123456789ab…`: a digest cut for messages. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon >= 0 && digest.length > colon + 13 ? `${digest.slice(0, colon + 13)}…` : digest;
}

/** `sha256-0123456789ab….sig`: a tag-schema tag cut for messages. */
export function shortSignatureTag(tag: string): string {
  const m = /^([a-z0-9]+-)([a-f0-9]{12})[a-f0-9]+(.*)$/.exec(tag);
  return m ? `${m[1]}${m[2]}…${m[3]}` : tag;
}

/** SIGNATURE_MISSING: a cosign tag of the source is absent from the destination. */
export function signatureTagMissing(tag: string): string {
  return `destination signature tag ${shortSignatureTag(tag)} does not exist`;
}

/** SIGNATURE_MISSING: a cosign tag names another manifest at the destination. */
export function signatureTagDiffers(tag: string, source: string, dest: string): string {
  return `destination signature tag ${shortSignatureTag(tag)} is ${shortDigest(dest)}, source ${shortDigest(source)}`;
}

/** SIGNATURE_MISSING: a referrer of `subject` is not a referrer of it at the destination. */
export function referrerMissing(digest: string, artifactType: string, subject: string): string {
  return `destination referrer ${shortDigest(digest)} (${artifactType || 'no artifactType'}) of ${shortDigest(subject)} does not exist`;
}
