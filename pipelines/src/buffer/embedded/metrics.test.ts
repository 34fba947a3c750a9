import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { registerEmbeddedLogMetrics } from './metrics.ts';
import { openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe('embedded log metrics', () => {
  it('reports sizes, records, commits and refusals as otelgate_buffer_* instruments at collection time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelgate-metrics-'));
    const log = await openEmbeddedLog(
      { dir, disk: { minFreeBytes: 0 }, maxRecordBytes: 1024 },
      { logger: captureLogger().logger },
    );
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const unregister = registerEmbeddedLogMetrics(provider.getMeter('test'), () => log.stats());
    try {
      await log.producer.append('logs', [
        { value: Buffer.alloc(100), headers: {} },
        { value: Buffer.alloc(100), headers: {} },
      ]);
      await log.producer.append('logs', [{ value: Buffer.alloc(4096), headers: {} }]).catch(() => {});
      const { resourceMetrics } = await reader.collect();
      const points = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints as never);
      const at = (name: string, attrs: Record<string, string> = {}) =>
        points.get(name)?.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value;
      expect(at('otelgate_buffer_records', { signal: 'logs' })).toBe(2);
      expect(at('otelgate_buffer_records', { signal: 'traces' })).toBe(0);
      expect(at('otelgate_buffer_bytes', { signal: 'logs' })).toBe(log.stats().signals.logs.bytesOnDisk);
      expect(at('otelgate_buffer_fsyncs')).toBe(1);
      expect(at('otelgate_buffer_fsync_seconds')).toBeGreaterThan(0);
      expect(at('otelgate_buffer_commit_seconds')).toBeGreaterThanOrEqual(
        at('otelgate_buffer_fsync_seconds') as number,
      );
      expect(at('otelgate_buffer_refused_appends', { reason: 'too-large' })).toBe(1);
      expect(at('otelgate_buffer_writable')).toBe(1);
    } finally {
      unregister();
      await provider.shutdown();
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
