/**
 * cdk-nag acknowledgements with reasons. cdk-nag 3 reads acknowledgements recorded with
 * `Validations.of(construct).acknowledge({ id, reason })` on the resource or an ancestor.
 * IAM5 findings are acknowledged one by one (`AwsSolutions-IAM5[Resource::...]`), so a
 * wildcard that nobody meant to grant is still reported.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Flattens a resolved CloudFormation value the way cdk-nag names IAM5 findings. */
export function flattenReference(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const join = o['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flattenReference).join(String(join[0]));
    if (o['Fn::Sub'] !== undefined) return flattenReference(o['Fn::Sub']);
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if (o['Fn::ImportValue'] !== undefined) return flattenReference(o['Fn::ImportValue']);
    if (o.Ref !== undefined) return `<${flattenReference(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Acknowledges `rule` on `scope` (and everything below it) with a non-empty reason. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim() === '') throw new Error(`acknowledgement of ${rule} needs a reason`);
  Validations.of(scope).acknowledge({ id: rule, reason });
}

/** Acknowledges the IAM5 wildcard finding for one resource ARN (a string or token). */
export function acknowledgeWildcardResource(scope: IConstruct, arn: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(arn));
  acknowledge(scope, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
}
