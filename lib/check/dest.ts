/**
 * Reading destination manifests: an unknown type is a wrong mirror (FAILED DEST_MEDIA_TYPE), a
 * broken body is ERROR (thrown as a destination SideError).
 */
import { ManifestError, parseManifest, type Manifest } from '../core/manifest.js';
import { destMediaType } from '../core/messages.js';
import type { FetchedManifest } from '../ports.js';
import type { Outcome } from './existence.js';
import { SideError } from './side-errors.js';

export type ParsedDest = { ok: true; manifest: Manifest } | { ok: false; outcome: Outcome };

/** Parses a destination manifest; see the module comment. */
export function parseDest(dest: FetchedManifest): ParsedDest {
  try {
    return { ok: true, manifest: parseManifest(dest.bytes, dest.mediaType) };
  } catch (err) {
    if (err instanceof ManifestError && err.code === 'UNSUPPORTED_MEDIA_TYPE') {
      return { ok: false, outcome: { status: 'FAILED', code: 'DEST_MEDIA_TYPE', message: destMediaType(err.mediaType ?? dest.mediaType) } };
    }
    throw new SideError('destination', err);
  }
}
