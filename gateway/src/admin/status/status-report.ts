// GET /status: one JSON document a person and a machine can read. Counts come from the same
// instruments /metrics serves; component health from the graph's tracked components.
import { statfs } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { healthOf } from '@otelgate/pipelines/components/component-health.ts';
import type { PipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import type { LogConfig } from '../../config/schema.ts';
import type { ReloadState } from '../../reload/reloader.ts';
import { type LogFileStatus, logFileStatus } from '../../telemetry/log-file-status.ts';
import { type MetricSnapshot, type MetricSource, takeSnapshot } from './metric-snapshot.ts';
import {
  type BufferFigures,
  type ComponentFigures,
  type ComponentState,
  judge,
  type ProcessFigures,
  type ReceiverFigures,
  type StatusThresholds,
} from './status-health.ts';

export interface StatusSources {
  version: string;
  role: 'both' | 'ingest' | 'process';
  reader: MetricSource;
  thresholds: () => StatusThresholds;
  /** Receiver transports this role runs (`http`, `grpc`, ...). */
  transports: readonly string[];
  admission?: { readonly inFlightBytes: number };
  maxInFlightBytes: number;
  buffer: { kind: 'embedded' | 'kafka'; dir?: string; writable?: () => boolean };
  process?: { running: () => boolean; graph: PipelineGraph };
  log: () => LogConfig;
  /** Reloads applied and refused, the last one's outcome and reason, restart-only changes pending. */
  reload?: () => ReloadState;
}

const SIGNALS = ['traces', 'metrics', 'logs'] as const;

export type Judged<T> = T & { state: ComponentState; reason?: string };

export interface StatusDocument {
  status: ComponentState;
  reasons: string[];
  version: string;
  role: string;
  pid: number;
  startedAt: string;
  uptimeSeconds: number;
  receivers: Judged<ReceiverFigures>[];
  buffer: Judged<BufferFigures>;
  processors: Judged<ComponentFigures>[];
  exporters: Judged<ComponentFigures>[];
  process: Judged<ProcessFigures>;
  log: Judged<LogFileStatus> | null;
  reload?: ReloadState;
}

/** Builds /status documents; keeps the previous CPU reading and the event-loop histogram between calls. */
export function createStatusReporter(sources: StatusSources): () => Promise<StatusDocument> {
  const startedAt = Date.now() - process.uptime() * 1000;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let previousCpu = { at: startedAt, usage: { user: 0, system: 0 } };
  let eventLoopP99Ms = 0;

  return async () => {
    const snapshot = await takeSnapshot(sources.reader);
    const thresholds = sources.thresholds();
    const now = Date.now();
    const usage = process.cpuUsage();
    const cpuPercent =
      (100 * (usage.user + usage.system - previousCpu.usage.user - previousCpu.usage.system)) /
      1000 /
      Math.max(1, now - previousCpu.at);
    previousCpu = { at: now, usage };
    // Since the previous /status; a call too soon after it (no sample yet) repeats the last figure.
    if (loopDelay.count > 0) {
      eventLoopP99Ms = loopDelay.percentile(99) / 1e6;
      loopDelay.reset();
    }
    const heap = getHeapStatistics();

    const parts = {
      receivers: sources.transports.map((transport) => receiverStatus(transport, snapshot, sources)),
      buffer: await bufferStatus(snapshot, sources),
      processors: [...(sources.process?.graph.processors ?? new Map())].map(([id, processor]) => ({
        id,
        records: snapshot.sum('otelgate_processor_records_processed', { processor: id.split('/')[0] }),
        ...healthFields(processor),
      })),
      exporters: [...(sources.process?.graph.exporters ?? new Map())].map(([id, exporter]) => ({
        id,
        sentItems: snapshot.sum('otelgate_exporter_sent_items', { exporter: id }),
        failedItems: snapshot.sum('otelgate_exporter_failed_items', { exporter: id }),
        ...healthFields(exporter),
      })),
      process: {
        id: 'process',
        cpuPercent: round(cpuPercent),
        cpuSeconds: round((usage.user + usage.system) / 1e6),
        rssBytes: process.memoryUsage.rss(),
        heapUsedBytes: heap.used_heap_size,
        heapLimitBytes: heap.heap_size_limit,
        eventLoopDelayP99Ms: round(eventLoopP99Ms),
        loopRunning: sources.process?.running(),
      },
      log: logFileStatus(sources.log()),
    };
    const judged = judge(parts, thresholds, now);
    return {
      status: judged.status,
      reasons: judged.reasons,
      version: sources.version,
      role: sources.role,
      pid: process.pid,
      startedAt: new Date(startedAt).toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      ...judged.parts,
      reload: sources.reload?.(),
    };
  };
}

function receiverStatus(transport: string, snapshot: MetricSnapshot, sources: StatusSources) {
  const bySignal = (name: string) =>
    Object.fromEntries(SIGNALS.map((signal) => [signal, snapshot.sum(name, { transport, signal })]));
  return {
    id: transport,
    accepted: bySignal('otelgate_receiver_accepted_items'),
    refused: bySignal('otelgate_receiver_refused_items'),
    refusedRequests: snapshot.sum('otelgate_receiver_refused_requests', { transport }),
    // One in-flight budget for every receiver (the admission step they share).
    inFlightBytes: sources.admission?.inFlightBytes,
    maxInFlightBytes: sources.admission ? sources.maxInFlightBytes : undefined,
  };
}

async function bufferStatus(snapshot: MetricSnapshot, sources: StatusSources) {
  const { kind, dir } = sources.buffer;
  let freeDiskBytes: number | undefined;
  if (kind === 'embedded' && dir) {
    const stats = await statfs(dir).catch(() => undefined);
    if (stats) freeDiskBytes = stats.bavail * stats.bsize;
  }
  const lag = snapshot.series('otelgate_consumer_lag').map((s) => ({
    signal: String(s.attributes.signal),
    partition: Number(s.attributes.partition),
    lag: s.value,
  }));
  const bytes = snapshot.series('otelgate_buffer_bytes');
  return {
    id: kind,
    kind,
    writable: sources.buffer.writable?.(),
    sizeBytes: kind === 'embedded' ? sumWhere(bytes, (signal) => signal !== 'deadletter') : undefined,
    freeDiskBytes,
    lag,
    deadLetters: {
      records: snapshot.sum(kind === 'embedded' ? 'otelgate_buffer_dead_letters' : 'otelgate_kafka_dead_letters'),
      bytes: kind === 'embedded' ? sumWhere(bytes, (signal) => signal === 'deadletter') : undefined,
    },
  };
}

function sumWhere(series: { attributes: Record<string, unknown>; value: number }[], keep: (signal: string) => boolean) {
  return series.filter((s) => keep(String(s.attributes.signal))).reduce((total, s) => total + s.value, 0);
}

function healthFields(component: object) {
  const health = healthOf(component);
  if (!health) return {};
  return {
    calls: health.calls,
    failures: health.failures,
    consecutiveFailures: health.consecutiveFailures,
    rejectedItems: health.rejectedItems,
    queue: { calls: health.inFlightCalls, items: health.inFlightItems },
    lastSuccessAt: iso(health.lastSuccessAt),
    lastError: health.lastError && { message: health.lastError.message, at: iso(health.lastError.at) },
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const round = (n: number) => Math.round(n * 100) / 100;
