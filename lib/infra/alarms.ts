/**
 * CloudWatch alarms: any message in a dead-letter queue, and any function error. With a
 * notification topic, every alarm notifies it.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineAlarmsProps {
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly topic?: ITopic;
}

export class PipelineAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const common = {
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    const alarms: Alarm[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarms.push(queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
        .createAlarm(this, `${name}Depth`, { ...common, alarmDescription: `mirror-validate: messages in ${name}` }));
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarms.push(fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })
        .createAlarm(this, `${name}Errors`, { ...common, alarmDescription: `mirror-validate: ${name} function errors` }));
    }
    if (props.topic) {
      const action = new SnsAction(props.topic);
      for (const alarm of alarms) alarm.addAlarmAction(action);
    }
    this.alarms = alarms;
  }
}
