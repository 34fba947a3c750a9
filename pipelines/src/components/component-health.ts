// What /status reports per processor and exporter: calls, last success, last error with its
// time, failures, work in flight. The graph wraps each component it builds in a transparent proxy
// that counts around `process` / `export` (once per batch, never per record); healthOf() finds
// the figures from the component the graph hands out.
import type { Signal } from '../model/common.ts';
import type { Emitter, ExportResult, Exporter, Processor, RecordContext, SignalData } from './component.ts';

export interface ComponentHealth {
  readonly id: string;
  readonly kind: 'processor' | 'exporter';
  calls: number;
  /** Calls that threw (exporters: retryable failures, retried later). */
  failures: number;
  /** Failed calls since the last success. */
  consecutiveFailures: number;
  /** Items an exporter refused for good (dead-lettered). */
  rejectedItems: number;
  inFlightCalls: number;
  inFlightItems: number;
  lastSuccessAt: number | undefined;
  lastError: { message: string; at: number } | undefined;
}

const healthByComponent = new WeakMap<object, ComponentHealth>();

/** The figures of a component the graph built; undefined for one built elsewhere. */
export function healthOf(component: object): ComponentHealth | undefined {
  return healthByComponent.get(component);
}

function newHealth(id: string, kind: ComponentHealth['kind']): ComponentHealth {
  return {
    id,
    kind,
    calls: 0,
    failures: 0,
    consecutiveFailures: 0,
    rejectedItems: 0,
    inFlightCalls: 0,
    inFlightItems: 0,
    lastSuccessAt: undefined,
    lastError: undefined,
  };
}

function failed(health: ComponentHealth, error: unknown): void {
  health.failures++;
  health.consecutiveFailures++;
  health.lastError = { message: error instanceof Error ? error.message : String(error), at: Date.now() };
}

function succeeded(health: ComponentHealth): void {
  health.consecutiveFailures = 0;
  health.lastSuccessAt = Date.now();
}

export function trackExporter(id: string, exporter: Exporter): Exporter {
  const health = newHealth(id, 'exporter');
  const run: Exporter['export'] = async (signal, items) => {
    health.calls++;
    health.inFlightCalls++;
    health.inFlightItems += items.length;
    try {
      const result: ExportResult = await exporter.export(signal, items);
      succeeded(health);
      if (result.rejected.length > 0) {
        health.rejectedItems += result.rejected.length;
        health.lastError = { message: `rejected: ${result.rejected[0].reason}`, at: Date.now() };
      }
      return result;
    } catch (error) {
      failed(health, error);
      throw error;
    } finally {
      health.inFlightCalls--;
      health.inFlightItems -= items.length;
    }
  };
  const tracked = new Proxy(exporter, {
    get: (target, property, receiver) => (property === 'export' ? run : Reflect.get(target, property, receiver)),
  });
  healthByComponent.set(tracked, health);
  return tracked;
}

export function trackProcessor(id: string, processor: Processor): Processor {
  const health = newHealth(id, 'processor');
  const settle = <T>(result: T): T => {
    health.inFlightCalls--;
    succeeded(health);
    return result;
  };
  const fail = (error: unknown): never => {
    health.inFlightCalls--;
    failed(health, error);
    throw error;
  };
  const run = <S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext, out?: Emitter) => {
    health.calls++;
    health.inFlightCalls++;
    let result: SignalData[S] | Promise<SignalData[S]>;
    try {
      result = processor.process(signal, data, ctx, out);
    } catch (error) {
      return fail(error);
    }
    return result instanceof Promise ? result.then(settle, fail) : settle(result);
  };
  const tracked = new Proxy(processor, {
    get: (target, property, receiver) => (property === 'process' ? run : Reflect.get(target, property, receiver)),
  });
  healthByComponent.set(tracked, health);
  return tracked;
}
