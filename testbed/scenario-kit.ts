/**
 * Building blocks of the standard scenarios: the data types, common platforms, and helpers that
 * push a source list and a (possibly altered) destination list. No vitest imports.
 */
import type { Platform, ReasonCode, Status } from '../lib/core/types.js';
import { copyImage, pushImage, pushIndex, type Format, type PushedImage } from './images.js';
import type { HarnessInfo, RegistryInfo } from './registry-harness.js';

export type RegistryName = 'plain' | 'tls' | 'token';
/** Which harness user a side authenticates as: none, `tester` or `limited`. */
export type CredsName = 'none' | 'tester' | 'limited';

/** One side (source or destination) of a scenario. */
export interface ScenarioSide {
  readonly registry: RegistryName;
  readonly repo: string;
  readonly creds: CredsName;
}

/** Definition: the data of a scenario plus how to seed it. */
export interface ScenarioDef {
  readonly name: string;
  readonly description: string;
  readonly source: ScenarioSide;
  readonly dest: ScenarioSide;
  readonly flags?: readonly string[];
  readonly expected: { readonly status: Status; readonly code: ReasonCode | null };
  /** Seed the registries. Several defs may share one seeding (same `seedKey`). A seed may return the tag to validate (default TAG). */
  readonly seedKey?: string;
  readonly seed?: (h: HarnessInfo, src: RegistryInfo, dst: RegistryInfo, s: Sides) => Promise<void | string>;
}

export interface Sides { readonly srcRepo: string; readonly dstRepo: string }

export const TAG = '1.0';
export const P = {
  amd64: { architecture: 'amd64', os: 'linux' },
  arm64: { architecture: 'arm64', os: 'linux', variant: 'v8' },
  s390x: { architecture: 's390x', os: 'linux' },
  armv7: { architecture: 'arm', os: 'linux', variant: 'v7' },
  win: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.5458' },
} satisfies Record<string, Platform>;

/** Push one image per platform into `repo` (by digest) and a list/index of them under TAG. */
export async function srcList(
  reg: RegistryInfo, repo: string, platforms: Platform[], listFormat: Format, childFormat: Format = listFormat,
): Promise<PushedImage[]> {
  const images = await Promise.all(platforms.map((platform) => pushImage(reg, repo, { platform, format: childFormat })));
  await pushIndex(reg, repo, TAG, images.map((i) => i.descriptor), listFormat);
  return images;
}

/** Copy children (by digest) then push a list of `entries` under TAG at the destination. */
export async function dstList(
  src: RegistryInfo, s: Sides, dst: RegistryInfo, entries: PushedImage[], format: Format,
  platformOverride: (i: PushedImage) => Platform = (i) => i.platform,
): Promise<void> {
  await Promise.all([...new Set(entries)].map((i) => copyImage(src, s.srcRepo, i.digest, dst, s.dstRepo)));
  await pushIndex(dst, s.dstRepo, TAG, entries.map((i) => ({ ...i.descriptor, platform: platformOverride(i) })), format);
}

export const pass = { status: 'PASS', code: null } as const;
export const failed = (code: ReasonCode) => ({ status: 'FAILED', code }) as const;
export const std = (name: string): Pick<ScenarioDef, 'source' | 'dest'> => ({
  source: { registry: 'plain', repo: `src/${name}`, creds: 'none' },
  dest: { registry: 'tls', repo: `mirror/${name}`, creds: 'tester' },
});

