import { describe, expect, it } from 'vitest';
import { judge, type StatusFigures } from './status-health.ts';
import { statusThresholdsSchema } from './status-thresholds.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const thresholds = statusThresholdsSchema.parse({});

function healthy(): StatusFigures {
  return {
    receivers: [{ id: 'http', inFlightBytes: 0, maxInFlightBytes: 1000 }],
    buffer: {
      id: 'embedded',
      writable: true,
      freeDiskBytes: 10 * 1024 ** 3,
      lag: [{ signal: 'logs', partition: 0, lag: 3 }],
    },
    processors: [{ id: 'redact' }],
    exporters: [{ id: 'elasticsearch', consecutiveFailures: 0, lastSuccessAt: new Date(now - 1000).toISOString() }],
    process: {
      id: 'process',
      loopRunning: true,
      eventLoopDelayP99Ms: 12,
      heapUsedBytes: 10,
      heapLimitBytes: 100,
      rssBytes: 1,
    },
    log: undefined,
  };
}

describe('status states', () => {
  it('is ok with no reasons when every part is within its thresholds', () => {
    const result = judge(healthy(), thresholds, now);
    expect(result.status).toBe('ok');
    expect(result.reasons).toEqual([]);
    expect(result.parts.exporters[0]).toMatchObject({ id: 'elasticsearch', state: 'ok' });
    expect(result.parts.log).toBeNull();
  });

  it('fails the buffer and the receivers when appends are refused', () => {
    const figures = healthy();
    figures.buffer.writable = false;
    const result = judge(figures, thresholds, now);
    expect(result.status).toBe('failing');
    expect(result.parts.buffer.state).toBe('failing');
    expect(result.parts.receivers[0]).toMatchObject({ state: 'failing', reason: expect.stringContaining('503') });
  });

  it('degrades the buffer on lag summed over partitions and on low free disk, naming both', () => {
    const figures = healthy();
    figures.buffer.lag = [
      { signal: 'traces', partition: 0, lag: 6000 },
      { signal: 'traces', partition: 1, lag: 6000 },
      { signal: 'logs', partition: 0, lag: 10 },
    ];
    figures.buffer.freeDiskBytes = 1000;
    const result = judge(figures, thresholds, now);
    expect(result.status).toBe('degraded');
    expect(result.parts.buffer.reason).toContain('traces lag 12000 records (threshold 10000)');
    expect(result.parts.buffer.reason).toContain('1000 bytes free');
    expect(result.parts.buffer.reason).not.toContain('logs lag');
  });

  it('calls a retrying exporter degraded, and failing once past exporterFailingAfterSeconds since its last success', () => {
    const figures = healthy();
    const error = { message: 'HTTP 503', at: new Date(now - 1000).toISOString() };
    figures.exporters = [
      {
        id: 'prometheus',
        consecutiveFailures: 2,
        lastSuccessAt: new Date(now - 10_000).toISOString(),
        lastError: error,
      },
    ];
    expect(judge(figures, thresholds, now).parts.exporters[0]).toMatchObject({
      state: 'degraded',
      reason: 'retrying after 2 failed attempts; last error: HTTP 503',
    });
    figures.exporters[0].lastSuccessAt = new Date(now - 301_000).toISOString();
    const result = judge(figures, thresholds, now);
    expect(result.status).toBe('failing');
    expect(result.reasons).toEqual(['exporter prometheus: no success for 301 s; last error: HTTP 503']);
    // Never succeeded: counted from the start of the process.
    figures.exporters[0].lastSuccessAt = undefined;
    expect(judge(figures, thresholds, now, now - 400_000).parts.exporters[0].state).toBe('failing');
    expect(judge(figures, thresholds, now, now - 5_000).parts.exporters[0].state).toBe('degraded');
  });

  it('degrades a processor with a recent error only while it is recent', () => {
    const figures = healthy();
    figures.processors[0].lastError = { message: 'boom', at: new Date(now - 30_000).toISOString() };
    expect(judge(figures, thresholds, now).parts.processors[0]).toMatchObject({
      state: 'degraded',
      reason: 'error 30 s ago: boom',
    });
    figures.processors[0].lastError = { message: 'boom', at: new Date(now - 61_000).toISOString() };
    expect(judge(figures, thresholds, now).parts.processors[0].state).toBe('ok');
  });

  it('judges the process by its loop, event-loop delay, heap and (when set) RSS; the log by its problem', () => {
    const figures = healthy();
    figures.process = { ...figures.process, eventLoopDelayP99Ms: 900, heapUsedBytes: 95, rssBytes: 2000 };
    figures.log = {
      path: '/var/log/otelgate.log',
      sizeBytes: 0,
      rotateAtBytes: 1,
      rotateEveryHours: 24,
      rotatedFiles: 0,
      rotatedBytes: 0,
      lastRotationAt: undefined,
      problem: 'log file not readable: ENOENT',
    };
    const result = judge(figures, { ...thresholds, rssBytes: 1000 }, now);
    expect(result.parts.process.state).toBe('degraded');
    expect(result.parts.process.reason).toContain('event-loop delay p99 900 ms (threshold 500)');
    expect(result.parts.process.reason).toContain('heap 95 of 100 bytes in use');
    expect(result.parts.process.reason).toContain('resident memory 2000 bytes (threshold 1000)');
    expect(result.parts.log).toMatchObject({ state: 'degraded', reason: 'log file not readable: ENOENT' });
    expect(result.reasons).toContain('log: log file not readable: ENOENT');
    figures.process.loopRunning = false;
    expect(judge(figures, thresholds, now).status).toBe('failing');
  });
});
