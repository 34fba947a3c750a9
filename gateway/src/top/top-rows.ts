// `otelgate top`'s rows: one per component of each gateway, rates from two consecutive /status
// documents of the same gateway (counts are cumulative since its start).
import type { StatusDocument } from '../admin/status/status-report.ts';

export interface TopRow {
  gateway: string;
  component: string;
  state: string;
  /** Items per second through the component (accepted, processed, sent). */
  rate: number | undefined;
  /** Refused or failed items per second. */
  errorRate: number | undefined;
  /** Errors since start (refused items, failed calls, dead letters). */
  errors: number | undefined;
  lag: number | undefined;
  /** Bytes held: in-flight (receivers), buffer size, queue items (exporters), RSS (process). */
  memory: string | undefined;
  note: string;
}

export interface Sample {
  at: number;
  doc: StatusDocument;
}

const sum = (counts: Record<string, number> | undefined) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

export function topRows(gateway: string, current: Sample, previous: Sample | undefined): TopRow[] {
  const doc = current.doc;
  const seconds = previous ? Math.max(0.001, (current.at - previous.at) / 1000) : undefined;
  const rate = (now: number | undefined, before: number | undefined) =>
    seconds === undefined || now === undefined || before === undefined
      ? undefined
      : Math.max(0, now - before) / seconds;
  const find = <T extends { id: string }>(list: T[] | undefined, id: string) => list?.find((x) => x.id === id);
  const prev = previous?.doc;

  const rows: TopRow[] = [];
  const p = doc.process;
  rows.push({
    gateway,
    component: `${doc.role} ${doc.version}`,
    state: doc.status,
    rate: undefined,
    errorRate: undefined,
    errors: undefined,
    lag: undefined,
    memory: bytes(p.rssBytes as number),
    note: `cpu ${p.cpuPercent}% heap ${bytes(p.heapUsedBytes)} loop p99 ${p.eventLoopDelayP99Ms} ms up ${duration(doc.uptimeSeconds)}${doc.reasons.length ? ` · ${doc.reasons[0]}` : ''}`,
  });
  for (const r of doc.receivers) {
    const before = find(prev?.receivers, r.id);
    rows.push({
      gateway,
      component: `receiver/${r.id}`,
      state: r.state,
      rate: rate(sum(r.accepted as Record<string, number>), before && sum(before.accepted as Record<string, number>)),
      errorRate: rate(
        sum(r.refused as Record<string, number>),
        before && sum(before.refused as Record<string, number>),
      ),
      errors: sum(r.refused as Record<string, number>),
      lag: undefined,
      memory: r.inFlightBytes === undefined ? undefined : bytes(r.inFlightBytes),
      note: r.reason ?? '',
    });
  }
  const b = doc.buffer;
  const dead = b.deadLetters as { records: number };
  rows.push({
    gateway,
    component: `buffer/${b.kind}`,
    state: b.state,
    rate: undefined,
    errorRate: undefined,
    errors: dead.records,
    lag: b.lag.reduce((total, partition) => total + partition.lag, 0),
    memory: b.sizeBytes === undefined ? undefined : bytes(b.sizeBytes as number),
    note: b.reason ?? (b.freeDiskBytes === undefined ? '' : `${bytes(b.freeDiskBytes)} free`),
  });
  for (const c of doc.processors) {
    const before = find(prev?.processors, c.id);
    rows.push({
      gateway,
      component: `processor/${c.id}`,
      state: c.state,
      rate: rate(c.records as number, before?.records as number | undefined),
      errorRate: rate(c.failures as number, before?.failures as number | undefined),
      errors: c.failures as number,
      lag: undefined,
      memory: undefined,
      note: c.reason ?? '',
    });
  }
  for (const e of doc.exporters) {
    const before = find(prev?.exporters, e.id);
    const queue = e.queue as { items: number } | undefined;
    rows.push({
      gateway,
      component: `exporter/${e.id}`,
      state: e.state,
      rate: rate(e.sentItems as number, before?.sentItems as number | undefined),
      errorRate: rate(e.failedItems as number, before?.failedItems as number | undefined),
      errors: e.failures as number,
      lag: undefined,
      memory: queue ? `${queue.items} queued` : undefined,
      note: e.reason ?? (e.lastError ? `last error ${e.lastError.at}: ${e.lastError.message}` : ''),
    });
  }
  if (doc.log) {
    rows.push({
      gateway,
      component: 'log file',
      state: doc.log.state,
      rate: undefined,
      errorRate: undefined,
      errors: undefined,
      lag: undefined,
      memory: bytes(doc.log.sizeBytes),
      note: doc.log.reason ?? `${doc.log.rotatedFiles} rotated`,
    });
  }
  return rows;
}

export function unreachableRow(gateway: string, error: string): TopRow {
  return {
    gateway,
    component: '-',
    state: 'unreachable',
    rate: undefined,
    errorRate: undefined,
    errors: undefined,
    lag: undefined,
    memory: undefined,
    note: error,
  };
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}
