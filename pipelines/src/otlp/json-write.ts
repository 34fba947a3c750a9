// Data model -> OTLP/JSON the way the Collector's file exporter writes it: lowerCamelCase keys in
// proto declaration order, hex ids, 64-bit integers as strings, enums as numbers, default values
// omitted (resource, scope and span status are always written, as pdata does).
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import type { LogRecord, LogsData } from '../model/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../model/metrics.ts';
import type { Span, SpanEvent, SpanLink, TracesData } from '../model/traces.ts';

/** Collects `"key":value` members of one JSON object. */
class Members {
  readonly parts: string[] = [];

  raw(key: string, json: string): this {
    this.parts.push(`"${key}":${json}`);
    return this;
  }

  str(key: string, s: string): this {
    return s.length === 0 ? this : this.raw(key, JSON.stringify(s));
  }

  num(key: string, n: number): this {
    return n === 0 ? this : this.raw(key, String(n));
  }

  dbl(key: string, n: number | undefined, always = false): this {
    if (n === undefined || (n === 0 && !always && !Object.is(n, -0))) return this;
    return this.raw(key, double(n));
  }

  big(key: string, n: bigint): this {
    return n === 0n ? this : this.raw(key, `"${n}"`);
  }

  list<T>(key: string, items: T[], write: (item: T) => string): this {
    return items.length === 0 ? this : this.raw(key, `[${items.map(write).join(',')}]`);
  }

  attrs(key: string, list: KeyValue[]): this {
    return this.list(key, list, keyValue);
  }

  toString(): string {
    return `{${this.parts.join(',')}}`;
  }
}

function double(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : String(n);
  return Number.isNaN(n) ? '"NaN"' : n > 0 ? '"Infinity"' : '"-Infinity"';
}

export function anyValue(v: AnyValue): string {
  if ('stringValue' in v) return `{"stringValue":${JSON.stringify(v.stringValue)}}`;
  if ('intValue' in v) return `{"intValue":"${v.intValue}"}`;
  if ('boolValue' in v) return `{"boolValue":${v.boolValue}}`;
  if ('doubleValue' in v) return `{"doubleValue":${double(v.doubleValue)}}`;
  if ('arrayValue' in v) return `{"arrayValue":${new Members().list('values', v.arrayValue.values, anyValue)}}`;
  if ('kvlistValue' in v) return `{"kvlistValue":${new Members().attrs('values', v.kvlistValue.values)}}`;
  if ('bytesValue' in v) return `{"bytesValue":"${Buffer.from(v.bytesValue).toString('base64')}"}`;
  return '{}';
}

function keyValue(kv: KeyValue): string {
  return `{"key":${JSON.stringify(kv.key)},"value":${anyValue(kv.value)}}`;
}

function resource(r: Resource): string {
  return new Members()
    .attrs('attributes', r.attributes)
    .num('droppedAttributesCount', r.droppedAttributesCount)
    .toString();
}

function scope(s: InstrumentationScope): string {
  return new Members()
    .str('name', s.name)
    .str('version', s.version)
    .attrs('attributes', s.attributes)
    .num('droppedAttributesCount', s.droppedAttributesCount)
    .toString();
}

function envelope<S>(
  resourceOf: { resource: Resource; schemaUrl: string },
  scopesKey: string,
  scopes: S[],
  writeScope: (s: S) => string,
): string {
  return new Members()
    .raw('resource', resource(resourceOf.resource))
    .list(scopesKey, scopes, writeScope)
    .str('schemaUrl', resourceOf.schemaUrl)
    .toString();
}

function scoped<T>(
  s: { scope: InstrumentationScope; schemaUrl: string },
  key: string,
  items: T[],
  write: (t: T) => string,
) {
  return new Members().raw('scope', scope(s.scope)).list(key, items, write).str('schemaUrl', s.schemaUrl).toString();
}

export function tracesToJson(data: TracesData): string {
  return new Members()
    .list('resourceSpans', data.resourceSpans, (rs) =>
      envelope(rs, 'scopeSpans', rs.scopeSpans, (ss) => scoped(ss, 'spans', ss.spans, span)),
    )
    .toString();
}

function span(s: Span): string {
  return new Members()
    .str('traceId', s.traceId)
    .str('spanId', s.spanId)
    .str('traceState', s.traceState)
    .str('parentSpanId', s.parentSpanId)
    .num('flags', s.flags)
    .str('name', s.name)
    .num('kind', s.kind)
    .big('startTimeUnixNano', s.startTimeUnixNano)
    .big('endTimeUnixNano', s.endTimeUnixNano)
    .attrs('attributes', s.attributes)
    .num('droppedAttributesCount', s.droppedAttributesCount)
    .list('events', s.events, event)
    .num('droppedEventsCount', s.droppedEventsCount)
    .list('links', s.links, link)
    .num('droppedLinksCount', s.droppedLinksCount)
    .raw('status', new Members().str('message', s.status.message).num('code', s.status.code).toString())
    .toString();
}

function event(e: SpanEvent): string {
  return new Members()
    .big('timeUnixNano', e.timeUnixNano)
    .str('name', e.name)
    .attrs('attributes', e.attributes)
    .num('droppedAttributesCount', e.droppedAttributesCount)
    .toString();
}

function link(l: SpanLink): string {
  return new Members()
    .str('traceId', l.traceId)
    .str('spanId', l.spanId)
    .str('traceState', l.traceState)
    .attrs('attributes', l.attributes)
    .num('droppedAttributesCount', l.droppedAttributesCount)
    .num('flags', l.flags)
    .toString();
}

export function logsToJson(data: LogsData): string {
  return new Members()
    .list('resourceLogs', data.resourceLogs, (rl) =>
      envelope(rl, 'scopeLogs', rl.scopeLogs, (sl) => scoped(sl, 'logRecords', sl.logRecords, logRecord)),
    )
    .toString();
}

function logRecord(l: LogRecord): string {
  const m = new Members()
    .big('timeUnixNano', l.timeUnixNano)
    .big('observedTimeUnixNano', l.observedTimeUnixNano)
    .num('severityNumber', l.severityNumber)
    .str('severityText', l.severityText);
  if (l.body !== undefined) m.raw('body', anyValue(l.body));
  return m
    .attrs('attributes', l.attributes)
    .num('droppedAttributesCount', l.droppedAttributesCount)
    .num('flags', l.flags)
    .str('traceId', l.traceId)
    .str('spanId', l.spanId)
    .str('eventName', l.eventName)
    .toString();
}

export function metricsToJson(data: MetricsData): string {
  return new Members()
    .list('resourceMetrics', data.resourceMetrics, (rm) =>
      envelope(rm, 'scopeMetrics', rm.scopeMetrics, (sm) => scoped(sm, 'metrics', sm.metrics, metric)),
    )
    .toString();
}

function metric(m: Metric): string {
  const out = new Members().str('name', m.name).str('description', m.description).str('unit', m.unit);
  if (m.gauge) out.raw('gauge', new Members().list('dataPoints', m.gauge.dataPoints, numberPoint).toString());
  else if (m.sum) {
    const sum = new Members()
      .list('dataPoints', m.sum.dataPoints, numberPoint)
      .num('aggregationTemporality', m.sum.aggregationTemporality);
    if (m.sum.isMonotonic) sum.raw('isMonotonic', 'true');
    out.raw('sum', sum.toString());
  } else if (m.histogram) {
    const h = m.histogram;
    out.raw(
      'histogram',
      new Members()
        .list('dataPoints', h.dataPoints, histogramPoint)
        .num('aggregationTemporality', h.aggregationTemporality)
        .toString(),
    );
  } else if (m.exponentialHistogram) {
    const h = m.exponentialHistogram;
    out.raw(
      'exponentialHistogram',
      new Members()
        .list('dataPoints', h.dataPoints, exponentialPoint)
        .num('aggregationTemporality', h.aggregationTemporality)
        .toString(),
    );
  } else if (m.summary) {
    out.raw('summary', new Members().list('dataPoints', m.summary.dataPoints, summaryPoint).toString());
  }
  return out.attrs('metadata', m.metadata).toString();
}

function pointBase(p: { attributes: KeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint }): Members {
  return new Members()
    .attrs('attributes', p.attributes)
    .big('startTimeUnixNano', p.startTimeUnixNano)
    .big('timeUnixNano', p.timeUnixNano);
}

function value(m: Members, v: { asDouble?: number; asInt?: bigint }): Members {
  if (v.asDouble !== undefined) return m.raw('asDouble', double(v.asDouble));
  if (v.asInt !== undefined) return m.raw('asInt', `"${v.asInt}"`);
  return m;
}

function exemplar(e: Exemplar): string {
  const m = new Members().attrs('filteredAttributes', e.filteredAttributes).big('timeUnixNano', e.timeUnixNano);
  return value(m, e).str('spanId', e.spanId).str('traceId', e.traceId).toString();
}

function numberPoint(p: NumberDataPoint): string {
  return value(pointBase(p), p).list('exemplars', p.exemplars, exemplar).num('flags', p.flags).toString();
}

const bigString = (n: bigint): string => `"${n}"`;

function histogramPoint(p: HistogramDataPoint): string {
  return pointBase(p)
    .big('count', p.count)
    .dbl('sum', p.sum, true)
    .list('bucketCounts', p.bucketCounts, bigString)
    .list('explicitBounds', p.explicitBounds, double)
    .list('exemplars', p.exemplars, exemplar)
    .num('flags', p.flags)
    .dbl('min', p.min, true)
    .dbl('max', p.max, true)
    .toString();
}

function buckets(b: ExponentialHistogramBuckets): string {
  return new Members().num('offset', b.offset).list('bucketCounts', b.bucketCounts, bigString).toString();
}

function exponentialPoint(p: ExponentialHistogramDataPoint): string {
  return pointBase(p)
    .big('count', p.count)
    .dbl('sum', p.sum, true)
    .num('scale', p.scale)
    .big('zeroCount', p.zeroCount)
    .raw('positive', buckets(p.positive))
    .raw('negative', buckets(p.negative))
    .num('flags', p.flags)
    .list('exemplars', p.exemplars, exemplar)
    .dbl('min', p.min, true)
    .dbl('max', p.max, true)
    .dbl('zeroThreshold', p.zeroThreshold)
    .toString();
}

function summaryPoint(p: SummaryDataPoint): string {
  return pointBase(p)
    .big('count', p.count)
    .dbl('sum', p.sum)
    .list('quantileValues', p.quantileValues, (q) =>
      new Members().dbl('quantile', q.quantile).dbl('value', q.value).toString(),
    )
    .num('flags', p.flags)
    .toString();
}
