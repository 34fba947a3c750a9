// The one place that turns /status figures into states: `ok`, `degraded` (working, but look),
// `failing` (not doing its job), each with the reason; the document's state is the worst part's.
import type { LogFileStatus } from '../../telemetry/log-file-status.ts';
import type { StatusThresholds } from './status-thresholds.ts';

export type { StatusThresholds } from './status-thresholds.ts';
export type ComponentState = 'ok' | 'degraded' | 'failing';

const RANK: Record<ComponentState, number> = { ok: 0, degraded: 1, failing: 2 };

interface Part {
  id: string;
  [key: string]: unknown;
}
type Verdict = [ComponentState, string] | undefined;

export interface ReceiverFigures extends Part {
  inFlightBytes?: number;
  maxInFlightBytes?: number;
}
export interface BufferFigures extends Part {
  writable?: boolean;
  freeDiskBytes?: number;
  lag: { signal: string; partition: number; lag: number }[];
}
export interface ComponentFigures extends Part {
  consecutiveFailures?: number;
  lastSuccessAt?: string;
  lastError?: { message: string; at?: string };
}
export interface ProcessFigures extends Part {
  loopRunning?: boolean;
  eventLoopDelayP99Ms: number;
  heapUsedBytes: number;
  heapLimitBytes: number;
  rssBytes: number;
}
export interface StatusFigures {
  receivers: ReceiverFigures[];
  buffer: BufferFigures;
  processors: ComponentFigures[];
  exporters: ComponentFigures[];
  process: ProcessFigures;
  log: LogFileStatus | undefined;
}

export function judge(
  parts: StatusFigures,
  t: StatusThresholds,
  now: number,
  startedAt = now - process.uptime() * 1000,
) {
  const reasons: string[] = [];
  let worst: ComponentState = 'ok';
  const mark = <T extends object>(section: string, part: T & { id?: string }, verdicts: Verdict[]) => {
    const found = verdicts.filter((v): v is [ComponentState, string] => v !== undefined);
    const state = found.reduce<ComponentState>((w, [s]) => (RANK[s] > RANK[w] ? s : w), 'ok');
    const reason = found.map(([, r]) => r).join('; ') || undefined;
    if (reason) reasons.push(`${section}${part.id ? ` ${part.id}` : ''}: ${reason}`);
    if (RANK[state] > RANK[worst]) worst = state;
    return { ...part, state, ...(reason ? { reason } : {}) };
  };

  const bufferRefuses = parts.buffer.writable === false;
  const receivers = parts.receivers.map((r) =>
    mark('receiver', r, [
      bufferRefuses ? ['failing', 'the buffer refuses appends: clients get 503 / UNAVAILABLE'] : undefined,
      r.maxInFlightBytes && (r.inFlightBytes ?? 0) > t.inFlightRatio * r.maxInFlightBytes
        ? ['degraded', `in-flight bytes ${r.inFlightBytes} near the limit ${r.maxInFlightBytes}`]
        : undefined,
    ]),
  );

  const lagBySignal = new Map<string, number>();
  for (const { signal, lag } of parts.buffer.lag) lagBySignal.set(signal, (lagBySignal.get(signal) ?? 0) + lag);
  const buffer = mark('buffer', parts.buffer, [
    bufferRefuses ? ['failing', 'not writable (disk full, I/O error or Kafka unreachable)'] : undefined,
    parts.buffer.freeDiskBytes !== undefined && parts.buffer.freeDiskBytes < t.freeDiskBytes
      ? ['degraded', `${parts.buffer.freeDiskBytes} bytes free on the buffer's disk (threshold ${t.freeDiskBytes})`]
      : undefined,
    ...[...lagBySignal]
      .filter(([, lag]) => lag > t.lagRecords)
      .map(([signal, lag]): Verdict => ['degraded', `${signal} lag ${lag} records (threshold ${t.lagRecords})`]),
  ]);

  const recentError = (c: ComponentFigures): Verdict => {
    const at = c.lastError?.at ? Date.parse(c.lastError.at) : undefined;
    return at !== undefined && now - at < t.recentErrorSeconds * 1000
      ? ['degraded', `error ${Math.round((now - at) / 1000)} s ago: ${c.lastError?.message}`]
      : undefined;
  };
  const processors = parts.processors.map((p) => mark('processor', p, [recentError(p)]));
  const exporters = parts.exporters.map((e) => {
    const since = e.lastSuccessAt ? Date.parse(e.lastSuccessAt) : startedAt;
    const failingFor = (now - since) / 1000;
    const retrying = (e.consecutiveFailures ?? 0) > 0;
    return mark('exporter', e, [
      retrying && failingFor > t.exporterFailingAfterSeconds
        ? ['failing', `no success for ${Math.round(failingFor)} s; last error: ${e.lastError?.message}`]
        : retrying
          ? ['degraded', `retrying after ${e.consecutiveFailures} failed attempts; last error: ${e.lastError?.message}`]
          : recentError(e),
    ]);
  });

  const p = parts.process;
  const proc = mark('process', p, [
    p.loopRunning === false ? ['failing', 'the process loop is not running'] : undefined,
    p.eventLoopDelayP99Ms > t.eventLoopDelayMs
      ? ['degraded', `event-loop delay p99 ${p.eventLoopDelayP99Ms} ms (threshold ${t.eventLoopDelayMs})`]
      : undefined,
    p.heapUsedBytes > t.heapUsedRatio * p.heapLimitBytes
      ? ['degraded', `heap ${p.heapUsedBytes} of ${p.heapLimitBytes} bytes in use`]
      : undefined,
    t.rssBytes > 0 && p.rssBytes > t.rssBytes
      ? ['degraded', `resident memory ${p.rssBytes} bytes (threshold ${t.rssBytes})`]
      : undefined,
  ]);
  const log = parts.log
    ? mark('log', { ...parts.log }, [parts.log.problem ? ['degraded', parts.log.problem] : undefined])
    : null;

  return { status: worst, reasons, parts: { receivers, buffer, processors, exporters, process: proc, log } };
}
