/**
 * The validator in a VPC (stack context `vpcId`, optional `subnetIds` and `securityGroupIds`), so
 * it can reach registries that only resolve and route inside that VPC (a Harbor without a public
 * endpoint). Only the validator talks to registries; the other functions stay outside.
 *
 * In the VPC the validator reaches everything else through the VPC's routes: public registries
 * and the AWS APIs it calls (S3, SQS, Secrets Manager, ECR) need a NAT gateway, or VPC endpoints
 * (an S3 gateway endpoint; interface endpoints for SQS, Secrets Manager and ECR).
 */
import { Fn } from 'aws-cdk-lib';
import { SecurityGroup, Subnet, SubnetType, Vpc, type ISecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** Where the validator runs. */
export interface ValidatorNetwork {
  readonly vpcId: string;
  /** Subnets to place it in; empty: the VPC's private subnets with egress, found by lookup at synth. */
  readonly subnetIds: readonly string[];
  /** Security groups; empty: one is created with all outbound traffic allowed and nothing inbound. */
  readonly securityGroupIds: readonly string[];
}

/** The Lambda function properties that place it in `n`. */
export function networkProps(scope: Construct, n: ValidatorNetwork): { vpc: IVpc; vpcSubnets: SubnetSelection; securityGroups?: ISecurityGroup[] } {
  const vpc = n.subnetIds.length > 0
    ? Vpc.fromVpcAttributes(scope, 'ValidatorVpc', { vpcId: n.vpcId, availabilityZones: Fn.getAzs() })
    : Vpc.fromLookup(scope, 'ValidatorVpc', { vpcId: n.vpcId });
  const vpcSubnets: SubnetSelection = n.subnetIds.length > 0
    ? { subnets: n.subnetIds.map((id) => Subnet.fromSubnetId(scope, `ValidatorSubnet-${id}`, id)) }
    : { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
  return {
    vpc,
    vpcSubnets,
    ...(n.securityGroupIds.length > 0
      ? { securityGroups: n.securityGroupIds.map((id) => SecurityGroup.fromSecurityGroupId(scope, `ValidatorSg-${id}`, id)) }
      : {}),
  };
}

/** What Lambda needs to attach a function to a VPC (the managed AWSLambdaVPCAccessExecutionRole, inline). */
export function grantNetworkInterfaces(role: IRole): void {
  role.addToPrincipalPolicy(new PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  }));
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
    'Lambda creates and removes the VPC network interfaces of the validator itself; these EC2 actions are the AWSLambdaVPCAccessExecutionRole set, which does not support resource-level permissions.');
}
