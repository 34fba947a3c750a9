// What the self-metrics test reads: the otelgate_* names the dashboards and rules use, the
// names a gateway's /metrics exposes, and the fields of the documents the Elasticsearch
// exporter wrote.
import { dashboardExpressions, metricNames } from './grafana-expressions.ts';
import { ruleExpressions } from './rule-expressions.ts';

/** Every otelgate_* metric name read by deploy/grafana/dashboards/*.json or deploy/prometheus/rules/*.yml, with where. */
export function requiredOtelgateNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const { where, expr } of [...dashboardExpressions(), ...ruleExpressions()]) {
    for (const name of metricNames(expr)) {
      if (!name.startsWith('otelgate_')) continue;
      names.set(name, [...(names.get(name) ?? []), where]);
    }
  }
  return names;
}

export type Owner = 'ingest' | 'process' | 'either';

/** The role that must expose a metric when ingest and process run as separate processes. */
export function ownerOf(name: string): Owner {
  // otelgate_kafka_writable is reported only where appends are taken (buffer/kafka/metrics.ts).
  if (/^otelgate_(receiver_|buffer_append_duration|kafka_writable|kafka_refused_appends)/.test(name)) return 'ingest';
  if (/^otelgate_process_gc_/.test(name)) return 'either';
  if (/^otelgate_(process_|processor_|exporter_|prometheus_|elasticsearch_|consumer_)/.test(name)) return 'process';
  return 'either';
}

/**
 * Metrics of the embedded log, which a Kafka-buffered gateway does not have (it exposes
 * otelgate_kafka_* instead; docs/CONFIG.md, buffer.kafka).
 */
export const EMBEDDED_LOG_ONLY = /^otelgate_buffer_(bytes|records|writable|refused_appends)/;

/** Metrics of the Kafka buffer, which an embedded-log gateway does not have. */
export const KAFKA_ONLY = /^otelgate_kafka_/;

export interface Scrape {
  names: Set<string>;
  /** Sum of every sample of a name whose labels include all of `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

export async function scrape(adminUrl: string): Promise<Scrape> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const samples = [...text.matchAll(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)/gm)].map(([, name, labels, value]) => ({
    name,
    labels: labels ?? '',
    value: Number(value),
  }));
  return {
    names: new Set(samples.map((s) => s.name)),
    sum: (name, labels = {}) =>
      samples
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels.includes(`${k}="${v}"`)))
        .reduce((total, s) => total + s.value, 0),
  };
}

/** Every field path of a document source (`a.b` for `{a:{b:1}}` and for `{'a.b':1}`), arrays looked into. */
export function sourceFields(source: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(source)) {
    for (const item of source) sourceFields(item, prefix, into);
  } else if (source !== null && typeof source === 'object') {
    for (const [key, value] of Object.entries(source)) {
      const path = `${prefix}${key}`;
      into.add(path);
      sourceFields(value, `${path}.`, into);
    }
  }
  return into;
}
