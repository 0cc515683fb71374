/**
 * List-versus-list comparison (Docker manifest list or OCI index on both sides).
 */
import { UPSTREAM_UPDATED, listMismatch } from './messages.js';
import { filterEntries, isAttestation, platformKey, platformOf, sortedSpec } from './platform.js';
import type { Descriptor, FailCode, PlatformFilter } from './types.js';
import type { CompareNames, CompareResult } from './compare.js';

interface Problem {
  readonly code: FailCode;
  readonly detail: string;
}

function keyOf(d: Descriptor): string {
  return isAttestation(d) ? `attestation ${d.digest}` : platformKey(platformOf(d));
}

/**
 * For every filtered source entry exactly one filtered destination entry with the same digest
 * and platform (architecture, os, variant, os.version); no filtered destination entry the
 * source lacks; order irrelevant; duplicates in the destination fail. Attestations (when the
 * filter keeps them) are matched by digest. The code is `DIGEST_MISMATCH` when every problem is
 * a same-platform digest difference, else `PLATFORM_MISMATCH`.
 */
export function compareLists(
  source: readonly Descriptor[],
  dest: readonly Descriptor[],
  filter: PlatformFilter,
  names: CompareNames,
): CompareResult {
  const src = filterEntries(source, filter);
  const dst = filterEntries(dest, filter);
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  for (const d of dst) counts.set(keyOf(d), (counts.get(keyOf(d)) ?? 0) + 1);
  const dupKeys = new Set([...counts].filter(([, n]) => n > 1).map(([k]) => k));
  for (const k of dupKeys) {
    problems.push({ code: 'PLATFORM_MISMATCH', detail: `duplicate ${k} in destination (${counts.get(k)} entries)` });
  }

  const used = new Set<Descriptor>();
  const matched: Descriptor[] = [];
  const free = (pred: (d: Descriptor) => boolean) => dst.find((d) => !used.has(d) && pred(d));
  for (const s of src) {
    const key = keyOf(s);
    const exact = free((d) => d.digest === s.digest && keyOf(d) === key);
    if (exact) {
      used.add(exact);
      matched.push(exact);
      continue;
    }
    const sameKey = isAttestation(s) ? undefined : free((d) => keyOf(d) === key);
    const sameDigest = sameKey ? undefined : free((d) => !isAttestation(d) && d.digest === s.digest);
    const other = sameKey ?? sameDigest;
    if (other) used.add(other);
    if (sameKey) {
      problems.push({ code: 'DIGEST_MISMATCH', detail: `${key}: source digest "${s.digest}" != dest digest "${sameKey.digest}"` });
    } else if (sameDigest) {
      problems.push({ code: 'PLATFORM_MISMATCH', detail: `${s.digest}: source platform "${key}" != dest platform "${keyOf(sameDigest)}"` });
    } else {
      problems.push({ code: 'PLATFORM_MISMATCH', detail: `${key} (${s.digest}) missing in destination` });
    }
  }
  for (const d of dst) {
    if (!used.has(d) && !dupKeys.has(keyOf(d))) {
      problems.push({ code: 'PLATFORM_MISMATCH', detail: `destination has ${keyOf(d)} (${d.digest}) that the source lacks` });
    }
  }
  if (problems.length === 0) return { ok: true, children: matched };

  const code: FailCode = problems.every((p) => p.code === 'DIGEST_MISMATCH') ? 'DIGEST_MISMATCH' : 'PLATFORM_MISMATCH';
  const details = problems.map((p) => p.detail).join('; ');
  const hint = problems.some((p) => p.code === 'DIGEST_MISMATCH') ? `; ${UPSTREAM_UPDATED}` : '';
  return {
    ok: false,
    code,
    message: `${listMismatch(names.source, names.destination, names.tag)}: ${details}${hint}`,
    srcSpec: sortedSpec(src),
    dstSpec: sortedSpec(dst),
  };
}
