/**
 * Standard scenarios on the token registry (anonymous, tester and limited users) and with
 * schema1 sources (pushed to `plain`, which alone accepts schema1). No vitest imports.
 */
import type { HarnessInfo, RegistryInfo } from './registry-harness.js';
import { copyImage, pushImage, pushIndex } from './images.js';
import { pushSchema1 } from './schema1.js';
import { failed, P, pass, srcList, std, TAG, type ScenarioDef, type ScenarioSide, type Sides } from './scenario-kit.js';

/** Scenarios whose source or destination is the bearer-token registry. */
export function tokenScenarios(): ScenarioDef[] {
  const copyList = async (_h: HarnessInfo, src: RegistryInfo, dst: RegistryInfo, s: Sides): Promise<void> => {
    await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
    await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
  };
  const plainSrc = (n: string): ScenarioSide => ({ registry: 'plain', repo: `src/${n}`, creds: 'none' });
  return [
    { name: 'token-public-source', description: 'source on the token registry, anonymous pull of public/*',
      source: { registry: 'token', repo: 'public/token-public-source', creds: 'none' },
      dest: { registry: 'tls', repo: 'mirror/token-public-source', creds: 'tester' }, expected: pass, seed: copyList },
    { name: 'token-dest', description: 'destination on the token registry, read as tester',
      source: plainSrc('token-dest'), dest: { registry: 'token', repo: 'mirror/token-dest', creds: 'tester' },
      expected: pass, seed: copyList },
    { name: 'token-dest-limited-denied', description: 'correct dst on the token registry; limited may not pull mirror/*',
      source: plainSrc('token-dest-limited-denied'),
      dest: { registry: 'token', repo: 'mirror/token-dest-limited-denied', creds: 'limited' },
      expected: { status: 'ERROR', code: 'AUTH' }, seed: copyList },
    { name: 'token-dest-limited-ok', description: 'dst in limited/*, read as limited',
      source: plainSrc('token-dest-limited-ok'),
      dest: { registry: 'token', repo: 'limited/token-dest-limited-ok', creds: 'limited' }, expected: pass, seed: copyList },
  ];
}

/** Schema1 sources: the destination must be a one-entry list with the same platform (SPEC §3). */
export function schema1Scenarios(): ScenarioDef[] {
  const toList = (platform: typeof P.amd64) =>
    async (_h: HarnessInfo, src: RegistryInfo, dst: RegistryInfo, s: Sides): Promise<void> => {
      await pushSchema1(src, s.srcRepo, TAG, P.amd64);
      const converted = await pushImage(dst, s.dstRepo, { platform, format: 'docker' });
      await pushIndex(dst, s.dstRepo, TAG, [converted.descriptor], 'docker');
    };
  return [
    { name: 'schema1-to-one-entry-list', description: 'schema1 amd64 source; dst list of one amd64 entry (converted)',
      ...std('schema1-to-one-entry-list'), expected: pass, seed: toList(P.amd64) },
    { name: 'schema1-arch-mismatch', description: 'schema1 amd64 source; dst list of one arm64 entry',
      ...std('schema1-arch-mismatch'), expected: failed('PLATFORM_MISMATCH'), seed: toList(P.arm64) },
    { name: 'schema1-to-single', description: 'schema1 source; dst a single schema2 manifest',
      ...std('schema1-to-single'), expected: failed('DEST_MEDIA_TYPE'), seed: async (_h, src, dst, s) => {
        await pushSchema1(src, s.srcRepo, TAG, P.amd64);
        await pushImage(dst, s.dstRepo, { platform: P.amd64, format: 'docker', tag: TAG });
      } },
  ];
}
