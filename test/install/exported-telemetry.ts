import { readFileExport } from '../support/file-output.ts';

type Attributes = { key: string; value: Record<string, unknown> }[] | undefined;

export interface ExportedItem {
  service: string;
  /** Span name, metric name, or log body. */
  name: string;
  kind?: number;
}

const serviceOf = (resource: { attributes?: Attributes } | undefined) =>
  String(resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '');

/** Spans, metrics and log records the gateway's file exporter wrote, each with its service.name. */
export function exportedTelemetry(path: string): {
  spans: ExportedItem[];
  metrics: ExportedItem[];
  logs: ExportedItem[];
} {
  const spans: ExportedItem[] = [];
  const metrics: ExportedItem[] = [];
  const logs: ExportedItem[] = [];
  for (const request of readFileExport(path) as Record<string, { resource?: { attributes?: Attributes } }[]>[]) {
    for (const rs of (request.resourceSpans ?? []) as {
      resource?: { attributes?: Attributes };
      scopeSpans?: { spans?: { name: string; kind: number }[] }[];
    }[]) {
      for (const scope of rs.scopeSpans ?? []) {
        for (const span of scope.spans ?? [])
          spans.push({ service: serviceOf(rs.resource), name: span.name, kind: span.kind });
      }
    }
    for (const rm of (request.resourceMetrics ?? []) as {
      resource?: { attributes?: Attributes };
      scopeMetrics?: { metrics?: { name: string }[] }[];
    }[]) {
      for (const scope of rm.scopeMetrics ?? []) {
        for (const metric of scope.metrics ?? []) metrics.push({ service: serviceOf(rm.resource), name: metric.name });
      }
    }
    for (const rl of (request.resourceLogs ?? []) as {
      resource?: { attributes?: Attributes };
      scopeLogs?: { logRecords?: { body?: { stringValue?: string } }[] }[];
    }[]) {
      for (const scope of rl.scopeLogs ?? []) {
        for (const record of scope.logRecords ?? [])
          logs.push({ service: serviceOf(rl.resource), name: String(record.body?.stringValue ?? '') });
      }
    }
  }
  return { spans, metrics, logs };
}
