import { describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { ExportItem, Exporter } from './component.ts';
import { healthOf, trackExporter, trackProcessor } from './component-health.ts';

const ctx = { tenant: undefined, peerAddress: undefined };
const item = { data: { resourceLogs: [] }, ctx, source: { partition: 0, offset: 0n } } as ExportItem<'logs'>;

class FlakyExporter implements Exporter {
  readonly name = 'flaky';
  readonly signals = ['logs'] as const;
  failNext = false;
  rejectNext = false;
  async export() {
    if (this.failNext) throw new OtelgateError('retryable', 'destination down');
    return { rejected: this.rejectNext ? [{ index: 0, reason: 'mapping conflict' }] : [] };
  }
  async shutdown() {}
}

describe('component health', () => {
  it('records success, retryable failures with message and time, and refusals, keeping the component itself', async () => {
    const inner = new FlakyExporter();
    const exporter = trackExporter('flaky', inner);
    expect(exporter).toBeInstanceOf(FlakyExporter);
    expect(exporter.name).toBe('flaky');
    const health = healthOf(exporter)!;
    await exporter.export('logs', [item, item]);
    expect(health).toMatchObject({ calls: 1, failures: 0, inFlightItems: 0 });
    expect(health.lastSuccessAt).toBeGreaterThan(0);

    inner.failNext = true;
    await expect(exporter.export('logs', [item])).rejects.toThrow('destination down');
    await expect(exporter.export('logs', [item])).rejects.toThrow('destination down');
    expect(health).toMatchObject({ calls: 3, failures: 2, consecutiveFailures: 2, inFlightCalls: 0 });
    expect(health.lastError?.message).toBe('destination down');
    expect(health.lastError?.at).toBeGreaterThanOrEqual(health.lastSuccessAt!);

    inner.failNext = false;
    inner.rejectNext = true;
    await exporter.export('logs', [item]);
    expect(health).toMatchObject({ consecutiveFailures: 0, rejectedItems: 1 });
    expect(health.lastError?.message).toBe('rejected: mapping conflict');
  });

  it('counts work in flight while an export is pending', async () => {
    let release: () => void = () => {};
    const slow: Exporter = {
      name: 'slow',
      signals: ['logs'],
      export: () => new Promise((resolve) => (release = () => resolve({ rejected: [] }))),
      shutdown: async () => {},
    };
    const exporter = trackExporter('slow', slow);
    const pending = exporter.export('logs', [item, item, item]);
    expect(healthOf(exporter)).toMatchObject({ inFlightCalls: 1, inFlightItems: 3 });
    release();
    await pending;
    expect(healthOf(exporter)).toMatchObject({ inFlightCalls: 0, inFlightItems: 0 });
  });

  it('records a processor that throws, sync or async', async () => {
    let mode: 'ok' | 'throw' | 'reject' = 'ok';
    const processor = trackProcessor('odd', {
      name: 'odd',
      signals: ['logs'],
      process(_signal, data) {
        if (mode === 'throw') throw new Error('sync boom');
        if (mode === 'reject') return Promise.reject(new Error('async boom'));
        return data;
      },
    });
    const data = { resourceLogs: [] };
    expect(processor.process('logs', data, ctx)).toBe(data);
    mode = 'throw';
    expect(() => processor.process('logs', data, ctx)).toThrow('sync boom');
    mode = 'reject';
    await expect(processor.process('logs', data, ctx)).rejects.toThrow('async boom');
    expect(healthOf(processor)).toMatchObject({ calls: 3, failures: 2, inFlightCalls: 0 });
    expect(healthOf(processor)?.lastError?.message).toBe('async boom');
  });
});
