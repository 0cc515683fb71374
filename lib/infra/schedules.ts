/**
 * EventBridge Scheduler schedules: one per configured list schedule (invoking the splitter with
 * the list to validate again) and the sweeper's 5-minute tick.
 *
 * Splitter input: `{"bucket","key","source":"schedule","name","scheduledTime"}`. `scheduledTime`
 * is the same on every retry of one tick, so the splitter can derive an idempotent run id from it.
 */
import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { ScheduleConfig } from './config.js';
import { acknowledgeWildcardResource } from './nag.js';

export interface PipelineSchedulesProps {
  readonly bucket: IBucket;
  readonly splitter: IFunction;
  readonly sweeper: IFunction;
  readonly schedules: readonly ScheduleConfig[];
  /** How often the sweeper runs. Default 5 minutes. */
  readonly sweepEvery?: Duration;
}

/** The Scheduler input the splitter receives for a configured schedule. */
export function scheduleInput(bucketName: string, s: ScheduleConfig): Record<string, string> {
  return { bucket: bucketName, key: s.listKey, source: 'schedule', name: s.name, scheduledTime: ContextAttribute.scheduledTime };
}

export class PipelineSchedules extends Construct {
  /** Configured list schedules, by name. */
  readonly lists: ReadonlyMap<string, Schedule>;
  readonly sweep: Schedule;
  /** The role Scheduler assumes to invoke the splitter and the sweeper (and nothing else). */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: PipelineSchedulesProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'mirror-validate: EventBridge Scheduler invokes the splitter and the sweeper',
    });
    const role = this.role;
    const lists = new Map<string, Schedule>();
    for (const s of props.schedules) {
      lists.set(s.name, new Schedule(this, `List-${s.name}`, {
        description: `mirror-validate: validate ${s.listKey} again (${s.name})`,
        schedule: ScheduleExpression.expression(s.cron, s.timezone ? TimeZone.of(s.timezone) : undefined),
        target: new LambdaInvoke(props.splitter, {
          role,
          input: ScheduleTargetInput.fromObject(scheduleInput(props.bucket.bucketName, s)),
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      }));
    }
    this.lists = lists;
    this.sweep = new Schedule(this, 'Sweep', {
      description: 'mirror-validate: close overdue runs and drain the dead-letter queue',
      schedule: ScheduleExpression.rate(props.sweepEvery ?? Duration.minutes(5)),
      target: new LambdaInvoke(props.sweeper, {
        role,
        input: ScheduleTargetInput.fromObject({ source: 'sweep', scheduledTime: ContextAttribute.scheduledTime }),
        retryAttempts: 0,
      }),
    });
    const used = props.schedules.length > 0 ? [props.splitter, props.sweeper] : [props.sweeper];
    for (const fn of used) {
      acknowledgeWildcardResource(role, `${fn.functionArn}:*`,
        'aws-cdk-lib grants lambda:InvokeFunction on the function and its versions/aliases (<arn>:*); the role can invoke only this function.');
    }
  }
}
