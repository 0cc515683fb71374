/**
 * vitest globalSetup: starts the three harness registries once per `vitest run`, seeds the
 * standard scenarios, and provides both to every test file:
 *
 * ```ts
 * import { inject } from 'vitest';
 * const regs = inject('registries');   // HarnessInfo
 * const table = inject('scenarios');   // Scenario[]
 * ```
 *
 * Set `MIRROR_VALIDATE_NO_REGISTRIES=1` to skip starting them (pure unit-test runs); `inject`
 * then returns undefined, so integration tests fail rather than pass.
 */
import type { TestProject } from 'vitest/node';
import { harnessInfo, startRegistries, type HarnessInfo } from '../../testbed/registry-harness.js';
import { closeClients } from '../../testbed/registry-client.js';
import { seedScenarios, type Scenario } from '../../testbed/scenarios.js';

declare module 'vitest' {
  export interface ProvidedContext {
    registries: HarnessInfo;
    scenarios: Scenario[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MIRROR_VALIDATE_NO_REGISTRIES === '1') return async () => {};
  const harness = await startRegistries();
  try {
    const info = harnessInfo(harness);
    const scenarios = await seedScenarios(info);
    project.provide('registries', info);
    project.provide('scenarios', scenarios);
  } catch (err) {
    await harness.stop();
    throw err;
  }
  return async () => {
    await closeClients();
    await harness.stop();
  };
}
