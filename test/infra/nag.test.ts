import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { flattenReference } from '../../lib/infra/nag.js';
import { MirrorValidateStack } from '../../lib/infra/stack.js';
import { FULL_OVERRIDES, SYNTH_TIMEOUT_MS, shippedContext, synthStack } from './synth.js';

interface Ack { path: string; id: string; reason: string; scope: IConstruct }

function acknowledgements(root: IConstruct): Ack[] {
  const out: Ack[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(m.data as Record<string, unknown>)) {
        out.push({ path: c.node.path, id: key.replace(/^annotation::/i, ''), reason: String(reason), scope: c });
      }
    }
  }
  return out;
}

type PolicyDocument = { Statement: { Resource: unknown }[] };

/** Flattened resources of every IAM policy at or below `scope`, named the way IAM5 findings are. */
function policyResources(scope: IConstruct): Set<string> {
  const docs: PolicyDocument[] = [];
  for (const c of scope.node.findAll()) {
    const resolve = (x: unknown): unknown => Stack.of(c).resolve(x);
    if (c instanceof CfnPolicy) docs.push(resolve(c.policyDocument) as PolicyDocument);
    if (c instanceof CfnRole) {
      for (const p of (resolve(c.policies) ?? []) as { policyDocument?: unknown; PolicyDocument?: unknown }[]) {
        docs.push(resolve(p.policyDocument ?? p.PolicyDocument) as PolicyDocument);
      }
    }
  }
  const out = new Set<string>();
  for (const doc of docs) for (const s of doc.Statement) for (const r of [s.Resource].flat()) out.add(flattenReference(r));
  return out;
}

function violations(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} ${r.constructPath}`));
}

describe.each([
  { label: 'defaults from cdk.json', overrides: {} },
  { label: 'every option set', overrides: FULL_OVERRIDES },
])('cdk-nag AwsSolutionsChecks: $label', ({ overrides }) => {
  let app: App;
  beforeAll(() => {
    app = synthStack(overrides).app;
  }, SYNTH_TIMEOUT_MS);

  it('reports no unacknowledged error or warning', () => {
    expect(violations(app)).toEqual([]);
  });

  it('gives every acknowledgement a reason and names a single finding', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(5);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(a.reason.trim().length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(30);
      // Blanket wildcard acknowledgements would hide future findings: IAM5 always names one.
      if (a.id.startsWith('AwsSolutions-IAM5')) expect(a.id).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/);
    }
  });

  it('acknowledges only IAM5 wildcard resources that the policies really contain', () => {
    for (const a of acknowledgements(app)) {
      const m = /^AwsSolutions-IAM5\[Resource::(.+)\]$/.exec(a.id);
      if (m) expect([...policyResources(a.scope)], `${a.path} ${a.id}`).toContain(m[1]);
    }
  });
});

describe('cdk-nag through CDK validation (the `cdk synth` path)', () => {
  it('synthesizes with the plugin registered and writes a report without violations', () => {
    const app = new App({ context: { ...shippedContext(), ...FULL_OVERRIDES } });
    new MirrorValidateStack(app, 'Nagged', { env: { account: '111111111111', region: 'eu-west-1' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  }, SYNTH_TIMEOUT_MS);

  it('would fail on an unacknowledged finding (negative control)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new Bucket(stack, 'Plain');
    const found = violations(app);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^error AwsSolutions-S1 Bad\/Plain\/Resource$/)]));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
