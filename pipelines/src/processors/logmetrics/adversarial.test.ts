// CWE-1333: a pattern that backtracks catastrophically in a backtracking engine, on a body as
// long as maxBodyLength made of what it looks for, stays within the redaction patterns' budget
// (50 ms of this process's CPU time, best of five; redact/adversarial.test.ts).
import { createNoopMeter } from '@opentelemetry/api';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logmetricsConfigSchema } from './config.ts';
import { logmetricsProcessorFactory } from './factory.ts';

const SIZE = 64 * 1024;

function body(text: string): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber: 9,
                severityText: '',
                body: { stringValue: text },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('adversarial bodies for logmetrics patterns', () => {
  // Each pattern's capture is read (a label), so the submatch engine runs, not only the DFA test.
  it.each([
    ['(?P<run>(a+)+)$', 'run', `${'a'.repeat(SIZE - 1)}!`],
    ['(?P<run>(\\d+\\.?)+)ms$', 'run', `${'1.'.repeat(SIZE / 2 - 1)}x`],
    ['"(?P<run>(\\S+ ?)*)" (?P<status>\\d{3})', 'run', `"${'GET '.repeat(SIZE / 4 - 1)}x`],
    ['took (?P<run>\\d+)ms', 'run', 'took 1'.repeat(SIZE / 6)],
  ])('matches %s (reading %s) against 64 KB of hostile input in under 50 ms', async (pattern, _capture, input) => {
    expect(input.length).toBeLessThanOrEqual(SIZE);
    const processor = await logmetricsProcessorFactory.create(
      logmetricsConfigSchema.parse({
        intervalMs: 3_600_000,
        metrics: [{ name: 'hostile', type: 'counter', pattern, labels: [{ name: 'run', default: '' }] }],
      }),
      {
        id: 'logmetrics',
        dataDir: '/tmp',
        meter: createNoopMeter(),
        logger: pino({ level: 'silent' }),
        emit: () => {},
      },
    );
    const data = body(input);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const started = process.cpuUsage();
      processor.process('logs', data, { tenant: undefined, peerAddress: undefined });
      const used = process.cpuUsage(started);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    await processor.shutdown?.();
    expect(best).toBeLessThan(50);
  });
});
