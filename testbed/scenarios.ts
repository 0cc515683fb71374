/**
 * Seeds the standard end-to-end scenarios (scenario-defs.ts) into a running harness and returns
 * them as plain data: the mirror-format list line, the credentials each side needs, extra CLI
 * flags, and the expected status and reason code. No vitest imports.
 */
import type { ReasonCode, Status } from '../lib/core/types.js';
import type { HarnessInfo, RegistryInfo } from './registry-harness.js';
import { SCENARIO_DEFS, TAG, type CredsName, type ScenarioSide } from './scenario-defs.js';

export { TAG, type CredsName, type RegistryName, type ScenarioSide } from './scenario-defs.js';

/** A seeded scenario. JSON-serialisable. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** `SRC DST TAG` with full hosts, e.g. `127.0.0.1:5001/src/x 127.0.0.1:5002/mirror/x 1.0`. */
  readonly listLine: string;
  readonly source: ScenarioSide & { readonly host: string };
  readonly dest: ScenarioSide & { readonly host: string };
  readonly tag: string;
  /** Extra CLI flags this scenario needs (e.g. `--deep`, `--attestations`, `--arch amd64,arm`). */
  readonly flags: readonly string[];
  readonly expected: { readonly status: Status; readonly code: ReasonCode | null };
}

/** Username and password of a harness user on `reg`, or undefined for `none`. */
export function credentials(reg: RegistryInfo, creds: CredsName): { username: string; password: string } | undefined {
  if (creds === 'tester' && reg.username && reg.password) return { username: reg.username, password: reg.password };
  if (creds === 'limited' && reg.limitedUsername && reg.limitedPassword) {
    return { username: reg.limitedUsername, password: reg.limitedPassword };
  }
  return undefined;
}

/**
 * The `SOURCE_USERNAME`/`SOURCE_PASSWORD`/`DEST_USERNAME`/`DEST_PASSWORD` variables for a scenario
 * (only the pairs it needs; an anonymous side gets none).
 */
export function scenarioEnv(info: HarnessInfo, s: Scenario): Record<string, string> {
  const env: Record<string, string> = {};
  const src = credentials(info[s.source.registry], s.source.creds);
  const dst = credentials(info[s.dest.registry], s.dest.creds);
  if (src) Object.assign(env, { SOURCE_USERNAME: src.username, SOURCE_PASSWORD: src.password });
  if (dst) Object.assign(env, { DEST_USERNAME: dst.username, DEST_PASSWORD: dst.password });
  return env;
}

/** Scenarios that can share one run: same flags and same credentials on each side. */
export function groupScenarios(list: readonly Scenario[]): Scenario[][] {
  const groups = new Map<string, Scenario[]>();
  for (const s of list) {
    const key = JSON.stringify([s.flags, s.source.registry, s.source.creds, s.dest.registry, s.dest.creds]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()];
}

/** Look a scenario up by name; throws when absent (a typo in a test must not pass silently). */
export function scenario(list: readonly Scenario[], name: string): Scenario {
  const s = list.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario named ${name}`);
  return s;
}

/** Seed every standard scenario into `info` (once per seed key) and return the table. */
export async function seedScenarios(info: HarnessInfo): Promise<Scenario[]> {
  const seeded = new Map<string, Promise<void | string>>();
  for (const d of SCENARIO_DEFS) {
    const key = d.seedKey ?? d.name;
    if (!d.seed || seeded.has(key)) continue;
    seeded.set(key, d.seed(info, info[d.source.registry], info[d.dest.registry], { srcRepo: d.source.repo, dstRepo: d.dest.repo })
      .catch((err: unknown) => { throw new Error(`seeding scenario ${d.name} failed: ${(err as Error).message}`, { cause: err }); }));
  }
  const tags = new Map<string, string>();
  await Promise.all([...seeded].map(async ([key, p]) => { const tag = await p; if (typeof tag === 'string') tags.set(key, tag); }));
  return SCENARIO_DEFS.map((d) => {
    const src = info[d.source.registry];
    const dst = info[d.dest.registry];
    const tag = tags.get(d.seedKey ?? d.name) ?? TAG;
    return {
      name: d.name,
      description: d.description,
      listLine: `${src.host}/${d.source.repo} ${dst.host}/${d.dest.repo} ${tag}`,
      source: { ...d.source, host: src.host },
      dest: { ...d.dest, host: dst.host },
      tag,
      flags: [...(d.flags ?? [])],
      expected: { ...d.expected },
    };
  });
}
