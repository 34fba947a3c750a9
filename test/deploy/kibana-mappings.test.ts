import { elasticsearchExporterConfigSchema } from '@otelgate/pipelines/exporters/elasticsearch/config.ts';
import { indexTemplates } from '@otelgate/pipelines/exporters/elasticsearch/templates.ts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoPath } from './deploy-paths.ts';
import { mappedFields, sharedElasticsearchUrl } from './elasticsearch-service.ts';
import { dataViewOf, fieldsOf, savedObjects } from './kibana-saved-objects.ts';

// Installs the Elasticsearch exporter's own index templates in a real Elasticsearch (under a
// prefix of this test's), creates one index per signal, and checks that every field the Kibana
// saved objects and the Grafana Elasticsearch datasources name exists in the resulting mappings.

const prefix = `kibanacheck${process.pid}`;
const templates = indexTemplates(elasticsearchExporterConfigSchema.parse({ indexPrefix: prefix }));
const defaults = indexTemplates(elasticsearchExporterConfigSchema.parse({}));
const indices = {
  logs: `${prefix}-logs-default-2026.01.01`,
  traces: `${prefix}-traces-default-2026.01.01`,
  alerts: `${prefix}-alerts-default-2026.01.01`,
};
let url: string;
const fields: Record<'logs' | 'traces' | 'alerts', Map<string, string>> = {
  logs: new Map(),
  traces: new Map(),
  alerts: new Map(),
};

async function es(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  url = sharedElasticsearchUrl();
  for (const { name, ...body } of templates) await es('PUT', `/_index_template/${name}`, body);
  for (const signal of ['logs', 'traces', 'alerts'] as const) {
    await es('PUT', `/${indices[signal]}`);
    const mapping = (await es('GET', `/${indices[signal]}/_mapping`)) as Record<
      string,
      { mappings: { properties: Record<string, never> } }
    >;
    fields[signal] = mappedFields(mapping[indices[signal]].mappings.properties);
  }
}, 300_000);

afterAll(async () => {
  if (!url) return;
  await es('DELETE', `/${indices.logs},${indices.traces},${indices.alerts}?ignore_unavailable=true`).catch(
    () => undefined,
  );
  for (const { name } of templates) await es('DELETE', `/_index_template/${name}`).catch(() => undefined);
});

describe('Kibana saved objects and Grafana datasources against the exporter mappings in Elasticsearch', () => {
  const views: Record<string, 'logs' | 'traces' | 'alerts'> = {
    'otelgate-logs': 'logs',
    'otelgate-traces': 'traces',
    'otelgate-alerts': 'alerts',
  };

  it('points the data views at the indices the exporter writes by default', () => {
    for (const view of savedObjects().filter((o) => o.type === 'index-pattern')) {
      const signal = views[view.id];
      const template = defaults.find((t) => t.name.endsWith(`-${signal}`));
      expect(template?.index_patterns, view.id).toContain(view.attributes.title);
    }
  });

  it('names only fields that exist in the mappings (and the mapping check can fail)', () => {
    expect(fields.logs.get('@timestamp')).toBe('date_nanos');
    expect(fields.logs.has('no.such.field')).toBe(false);
    const missing: string[] = [];
    for (const object of savedObjects()) {
      const view = object.type === 'index-pattern' ? object.id : dataViewOf(object);
      if (!view) continue;
      const signal = views[view];
      expect(signal, `${object.id} reads data view ${view}`).toBeDefined();
      for (const field of fieldsOf(object)) {
        if (!fields[signal].has(field)) missing.push(`${object.type}/${object.id}: ${field} (${signal})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('aggregates only on keyword, numeric or date fields', () => {
    for (const object of savedObjects().filter((o) => o.type === 'visualization')) {
      const signal = views[dataViewOf(object) as string];
      const vis = JSON.parse(object.attributes.visState as string) as {
        aggs: { type: string; params: { field?: string } }[];
      };
      for (const agg of vis.aggs) {
        if (!agg.params.field) continue;
        expect(
          ['keyword', 'date', 'date_nanos', 'long', 'byte', 'double'],
          `${object.id} ${agg.params.field}`,
        ).toContain(fields[signal].get(agg.params.field));
      }
    }
  });

  it('gives the Grafana Elasticsearch datasources fields and index patterns the exporter writes', () => {
    const provisioning = parse(
      readFileSync(repoPath('deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8'),
    ) as {
      datasources: { type: string; uid: string; jsonData: Record<string, string> }[];
    };
    const elastic = provisioning.datasources.filter((d) => d.type === 'elasticsearch');
    expect(elastic.map((d) => d.uid).sort()).toEqual(['elasticsearch-logs', 'elasticsearch-traces']);
    for (const datasource of elastic) {
      const signal = datasource.uid.endsWith('logs') ? 'logs' : 'traces';
      expect(defaults.find((t) => t.name.endsWith(`-${signal}`))?.index_patterns).toContain(datasource.jsonData.index);
      for (const key of ['timeField', 'logMessageField', 'logLevelField']) {
        const field = datasource.jsonData[key];
        if (field) expect(fields[signal].has(field), `${datasource.uid} ${key} ${field}`).toBe(true);
      }
    }
  });
});
