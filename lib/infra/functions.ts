/**
 * The four Lambda functions of the pipeline, bundled from `lambdas/<name>.ts` with the local
 * esbuild (never Docker): Node.js 22 on arm64, ESM, minified, with source maps. Each function
 * has its own role (no managed policies) and its own log group with a retention.
 */
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import path from 'node:path';
import { acknowledge } from './nag.js';
import { grantNetworkInterfaces, networkProps, type ValidatorNetwork } from './network.js';
import { findRepoRoot, handlerEntry, type HandlerName } from './paths.js';

/** Memory and timeout of one function. */
export interface FunctionSizing {
  readonly memoryMb: number;
  readonly timeout: Duration;
}

export interface PipelineFunctionsProps {
  readonly sizing: Readonly<Record<HandlerName, FunctionSizing>>;
  /** Environment of each function (common and specific variables already merged). */
  readonly environment: Readonly<Record<HandlerName, Readonly<Record<string, string>>>>;
  readonly logRetention: RetentionDays;
  readonly tracing: boolean;
  /** Repository root holding `lambdas/` and `package-lock.json`. Default: found from this module. */
  readonly repoRoot?: string;
  /** Places the validator (only) in a VPC. */
  readonly validatorNetwork?: ValidatorNetwork;
}

/** Runtime of every function. */
export const RUNTIME = Runtime.NODEJS_22_X;

/** `require` for CommonJS dependencies bundled into an ES module. */
const REQUIRE_SHIM =
  "import { createRequire as __mvCreateRequire } from 'node:module'; const require = __mvCreateRequire(import.meta.url);";

const NAMES: readonly HandlerName[] = ['splitter', 'validator', 'aggregator', 'sweeper'];

export class PipelineFunctions extends Construct {
  readonly splitter: NodejsFunction;
  readonly validator: NodejsFunction;
  readonly aggregator: NodejsFunction;
  readonly sweeper: NodejsFunction;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const root = props.repoRoot ?? findRepoRoot();
    const make = (name: HandlerName): NodejsFunction => this.makeFunction(name, root, props);
    const [splitter, validator, aggregator, sweeper] = NAMES.map(make) as [NodejsFunction, NodejsFunction, NodejsFunction, NodejsFunction];
    this.splitter = splitter;
    this.validator = validator;
    this.aggregator = aggregator;
    this.sweeper = sweeper;
  }

  /** All four functions, in pipeline order. */
  get all(): readonly NodejsFunction[] {
    return [this.splitter, this.validator, this.aggregator, this.sweeper];
  }

  private makeFunction(name: HandlerName, root: string, props: PipelineFunctionsProps): NodejsFunction {
    const id = name.charAt(0).toUpperCase() + name.slice(1);
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `mirror-validate ${name} function`,
    });
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: props.logRetention });
    logGroup.grantWrite(role);
    const network = name === 'validator' && props.validatorNetwork ? networkProps(this, props.validatorNetwork) : undefined;
    if (network) grantNetworkInterfaces(role);
    const fn = new NodejsFunction(this, id, {
      entry: handlerEntry(name, root),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: path.join(root, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.sizing[name].memoryMb,
      timeout: props.sizing[name].timeout,
      role,
      logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: { ...props.environment[name] },
      ...network,
      description: `mirror-validate ${name}`,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
      },
    });
    acknowledge(fn, 'AwsSolutions-L1',
      'Node.js 22 is the LTS line the project supports and tests (engines >=20.18, target node22); moving to a newer runtime is a deliberate, tested change.');
    if (props.tracing) {
      acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.');
    }
    return fn;
  }
}
