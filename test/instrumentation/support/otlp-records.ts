// Flattens OTLP/JSON export requests (as the gateway's file exporter or the capture server keep
// them) into plain records the tests can search.
type Json = Record<string, any>;

export type FlatSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
  scope: string;
};
export type FlatLog = {
  traceId: string;
  spanId: string;
  body: unknown;
  severityText?: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
};
export type FlatMetric = { name: string; resource: Record<string, unknown>; dataPoints: Json[] };

export function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values);
  return undefined;
}

export function attributes(list: Json[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

// OTLP/JSON carries ids as hex; the SDK's JSON serializer does too. Lower-case for comparison.
const hex = (id: unknown) => (typeof id === 'string' ? id.toLowerCase() : '');

export function flattenSpans(requests: Json[]): FlatSpan[] {
  return requests.flatMap((req) =>
    (req.resourceSpans ?? []).flatMap((rs: Json) =>
      (rs.scopeSpans ?? []).flatMap((ss: Json) =>
        (ss.spans ?? []).map((s: Json) => ({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: typeof s.kind === 'number' ? s.kind : Number(s.kind ?? 0),
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map((e: Json) => ({ name: e.name, attributes: attributes(e.attributes) })),
          links: (s.links ?? []).map((l: Json) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
          status: s.status ?? {},
          resource: attributes(rs.resource?.attributes),
          scope: ss.scope?.name ?? '',
        })),
      ),
    ),
  );
}

export function flattenLogs(requests: Json[]): FlatLog[] {
  return requests.flatMap((req) =>
    (req.resourceLogs ?? []).flatMap((rl: Json) =>
      (rl.scopeLogs ?? []).flatMap((sl: Json) =>
        (sl.logRecords ?? []).map((r: Json) => ({
          traceId: hex(r.traceId),
          spanId: hex(r.spanId),
          body: anyValue(r.body),
          severityText: r.severityText,
          attributes: attributes(r.attributes),
          resource: attributes(rl.resource?.attributes),
        })),
      ),
    ),
  );
}

export function flattenMetrics(requests: Json[]): FlatMetric[] {
  return requests.flatMap((req) =>
    (req.resourceMetrics ?? []).flatMap((rm: Json) =>
      (rm.scopeMetrics ?? []).flatMap((sm: Json) =>
        (sm.metrics ?? []).map((m: Json) => ({
          name: m.name,
          resource: attributes(rm.resource?.attributes),
          dataPoints: (m.sum ?? m.gauge ?? m.histogram ?? m.exponentialHistogram ?? m.summary)?.dataPoints ?? [],
        })),
      ),
    ),
  );
}
