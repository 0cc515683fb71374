import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../lib/serverless/metrics.js';

describe('EMF metrics', () => {
  it('writes one CloudWatch Embedded Metric Format line per flush, summing repeated names', () => {
    // Prepare
    const lines: string[] = [];
    const m = createMetrics({ namespace: 'NS', service: 'svc', write: (l) => lines.push(l), now: () => 1_700_000_000_000 });
    // Act
    m.add('LinesPASS', 1);
    m.add('LinesPASS', 2);
    m.add('ImageValidationTime', 40, 'Milliseconds');
    m.flush();
    m.flush(); // nothing new: nothing written
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [{
          Namespace: 'NS', Dimensions: [['service']],
          Metrics: [{ Name: 'LinesPASS', Unit: 'Count' }, { Name: 'ImageValidationTime', Unit: 'Milliseconds' }],
        }],
      },
      service: 'svc', LinesPASS: 3, ImageValidationTime: 40,
    });
  });
});

describe('EMF metrics switch', () => {
  it('writes nothing when POWERTOOLS_METRICS_DISABLED=true', () => {
    const lines: string[] = [];
    const m = createMetrics({ write: (l) => lines.push(l) });
    const before = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    try {
      m.add('X', 1);
      m.flush();
    } finally {
      if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = before;
    }
    expect(lines).toEqual([]);
  });
});

describe('logger level', () => {
  it('follows LOG_LEVEL set after the logger was created', async () => {
    const { createLogger } = await import('../../lib/serverless/logger.js');
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'ERROR';
    try {
      log.info('quiet');
      log.error('loud');
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['loud']);
  });
});
