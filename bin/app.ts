#!/usr/bin/env node
/** CDK app: one `MirrorValidateStack` configured from context, checked by cdk-nag AwsSolutions. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MirrorValidateStack } from '../lib/infra/stack.js';

const app = new App();
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'MirrorValidate';
new MirrorValidateStack(app, stackName, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'mirror-validate: validate that container images were mirrored correctly',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
