/**
 * Where completion events and alarms go. Completion events are put on an EventBridge bus (the
 * account's default bus unless `eventBusName` names another) with source `mirror-validate`.
 * With a notification e-mail, an SSL-only SNS topic receives the alarms and, through a rule,
 * the completion events.
 */
import { EventBus, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** `source` of every event the pipeline puts. */
export const EVENT_SOURCE = 'mirror-validate';
/** `detail-type` of the event put when a run is complete (also when the sweeper closed it). */
export const RUN_COMPLETED = 'Run Completed';

export interface PipelineNotificationsProps {
  readonly eventBusName?: string;
  readonly notificationEmail?: string;
}

export class PipelineNotifications extends Construct {
  readonly bus: IEventBus;
  /** Present only when a notification e-mail is configured. */
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    this.bus = EventBus.fromEventBusName(this, 'Bus', props.eventBusName ?? 'default');
    if (props.notificationEmail === undefined) return;
    const topic = new Topic(this, 'Topic', { displayName: 'mirror-validate', enforceSSL: true });
    acknowledge(topic, 'AwsSolutions-SNS2',
      'Messages carry only alarm states and run summaries (counts, list names), no credentials; CloudWatch alarms and EventBridge cannot publish to a topic under the AWS-managed SNS key, and a customer key would cost more than the data warrants.');
    topic.addSubscription(new EmailSubscription(props.notificationEmail));
    new Rule(this, 'Completed', {
      eventBus: this.bus,
      description: 'mirror-validate run summaries to the notification topic',
      eventPattern: { source: [EVENT_SOURCE], detailType: [RUN_COMPLETED] },
      targets: [new SnsTopic(topic)],
    });
    this.topic = topic;
  }
}
