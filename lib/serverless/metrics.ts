/**
 * CloudWatch metrics in Embedded Metric Format: one JSON log line per flush, which CloudWatch
 * Logs turns into metrics without any API call (the Powertools Metrics wire format). Namespace
 * from `POWERTOOLS_METRICS_NAMESPACE` (default `MirrorValidate`), dimension `service`;
 * `POWERTOOLS_METRICS_DISABLED=true` drops them (tests).
 */
import { jsonLine } from '../core/terminal.js';

export type MetricUnit = 'Count' | 'Milliseconds';

export interface Metrics {
  add(name: string, value: number, unit?: MetricUnit): void;
  /** Writes the collected metrics (nothing when empty) and starts over. */
  flush(): void;
}

export interface MetricsOptions {
  readonly namespace?: string;
  readonly service?: string;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const namespace = opts.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'MirrorValidate';
  const service = opts.service ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'mirror-validate';
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? Date.now;
  let values = new Map<string, { value: number; unit: MetricUnit }>();
  return {
    add(name, value, unit = 'Count') {
      const prev = values.get(name);
      values.set(name, { value: (prev?.value ?? 0) + value, unit });
    },
    flush() {
      if (values.size === 0) return;
      if (process.env.POWERTOOLS_METRICS_DISABLED === 'true') {
        values = new Map();
        return;
      }
      const fields = Object.fromEntries([...values].map(([k, v]) => [k, v.value]));
      write(jsonLine({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [{
            Namespace: namespace,
            Dimensions: [['service']],
            Metrics: [...values].map(([Name, v]) => ({ Name, Unit: v.unit })),
          }],
        },
        service,
        ...fields,
      }));
      values = new Map();
    },
  };
}

/** The functions' shared metrics. */
export const metrics: Metrics = createMetrics();
