/**
 * Every standard scenario (testbed/scenario-defs*.ts), run through the real CLI against the
 * real registries started by the global setup: plain HTTP source, TLS + htpasswd destination, and a
 * bearer-token registry. Scenarios sharing flags and credentials run together in one list, the
 * way a user would run them.
 */
import { describe, expect, inject, it } from 'vitest';
import { EXPECTED_RULES } from '../../testbed/scenario-defs-verdicts.js';
import { groupScenarios, scenarioEnv } from '../../testbed/scenarios.js';
import { runCli } from './cli-helpers.js';

const registries = inject('registries');
const scenarios = inject('scenarios');

describe('CLI against real registries: every scenario', () => {
  it('has scenarios for every status that a registry can produce', () => {
    const statuses = new Set(scenarios.map((s) => s.expected.status));
    expect([...statuses].sort()).toEqual(['ERROR', 'FAILED', 'PASS', 'SKIPPED']);
  });

  for (const group of groupScenarios(scenarios)) {
    const names = group.map((s) => s.name).join(', ');
    it(`gives the expected verdicts: ${names}`, async () => {
      // Prepare
      const first = group[0]!;
      const env = scenarioEnv(registries, first);
      // Act
      const run = await runCli(group.map((s) => s.listLine), ['--tls-verify=false', '-j', '8', ...first.flags], env);
      const report = await run.report();
      // Assess
      const got = report.results.map((r) => ({ name: group[(r.line as number) - 1]!.name, status: r.status, code: r.code }));
      const want = group.map((s) => ({ name: s.name, status: s.expected.status, code: s.expected.code }));
      expect(got).toEqual(want);
      for (const r of report.results) {
        const rule = EXPECTED_RULES[group[(r.line as number) - 1]!.name];
        if (rule) expect(r.rule).toBe(rule);
      }
      const bad = group.filter((s) => s.expected.status === 'FAILED' || s.expected.status === 'ERROR');
      expect(run.code).toBe(bad.length > 0 ? 1 : 0);
      const failed = await run.failed();
      if (bad.length === 0) expect(failed).toBeNull();
      else expect(failed).toBe(bad.map((s) => s.listLine).sort().join('\n') + '\n');
    });
  }
});
