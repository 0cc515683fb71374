/**
 * Proving that what the destination list points to is really there: child manifests (HEAD by
 * digest) and, with `--deep`, their config and layer blobs.
 */
import { parseManifest } from '../core/manifest.js';
import { blobMissing, childMissing, summarise } from '../core/messages.js';
import { entryLabel } from '../core/entries.js';
import type { Descriptor, ImageRef, ReasonCode, Rule, SpecEntry, Status } from '../core/types.js';
import type { RegistryReader } from '../ports.js';
import { mapLimit } from './concurrency.js';
import { onSide } from './side-errors.js';

/** The verdict part of a LineResult. */
export interface Outcome {
  readonly status: Status;
  readonly code: ReasonCode | null;
  readonly message: string;
  readonly srcSpec?: readonly SpecEntry[];
  readonly dstSpec?: readonly SpecEntry[];
  readonly rule?: Rule;
}

/** A manifest whose blobs `--deep` checks, with a label for messages. */
export interface BlobOwner {
  readonly label: string;
  readonly blobs: readonly Descriptor[];
}


/** HEADs every child once (a digest listed twice is HEADed once); FAILED CHILD_MISSING naming each missing one, else null. */
export async function checkChildren(
  dest: RegistryReader, ref: ImageRef, all: readonly Descriptor[], limit: number,
): Promise<Outcome | null> {
  const children = distinct(all);
  const found = await mapLimit(children, limit, (c) => onSide('destination', () => dest.headManifest(ref, c.digest)));
  const missing = children.filter((_, i) => found[i] === null);
  return missing.length === 0 ? null : childFailure(missing);
}

/**
 * `--deep`: GETs every child (the GET replaces the HEAD) to learn its blobs, then HEADs every
 * distinct config and layer blob. Foreign (non-distributable) layers are not expected in a
 * registry and are skipped. `extra` adds blobs of a manifest already in hand.
 */
export async function checkDeep(
  dest: RegistryReader, ref: ImageRef, all: readonly Descriptor[], extra: readonly BlobOwner[], limit: number,
): Promise<Outcome | null> {
  const children = distinct(all);
  const fetched = await mapLimit(children, limit, (c) => onSide('destination', () => dest.getManifest(ref, c.digest)));
  const missing = children.filter((_, i) => fetched[i] === null);
  if (missing.length > 0) return childFailure(missing);
  const owners: BlobOwner[] = [...extra];
  children.forEach((c, i) => {
    const got = fetched[i];
    if (!got) return;
    const m = parseManifest(got.bytes, got.mediaType);
    if (m.kind === 'image') owners.push({ label: entryLabel(c), blobs: [m.config, ...m.layers] });
  });
  const blobs = new Map<string, string>();
  for (const o of owners) {
    for (const b of o.blobs) if (!isForeign(b) && !blobs.has(b.digest)) blobs.set(b.digest, o.label);
  }
  const entries = [...blobs];
  const present = await mapLimit(entries, limit, ([digest]) => onSide('destination', () => dest.headBlob(ref, digest)));
  const absent = entries.filter((_, i) => !present[i]);
  if (absent.length === 0) return null;
  return { status: 'FAILED', code: 'BLOB_MISSING', message: summarise(absent.map(([d, label]) => blobMissing(d, label))) };
}

/** FAILED CHILD_MISSING naming every missing child. */
export function childFailure(missing: readonly Descriptor[]): Outcome {
  return { status: 'FAILED', code: 'CHILD_MISSING', message: summarise(missing.map((c) => childMissing(c.digest, entryLabel(c)))) };
}

/** The first descriptor of each digest. */
function distinct(children: readonly Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const c of children) if (!seen.has(c.digest)) seen.set(c.digest, c);
  return [...seen.values()];
}

function isForeign(d: Descriptor): boolean {
  return d.mediaType.includes('foreign') || d.mediaType.includes('nondistributable');
}
