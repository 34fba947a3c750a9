import { readFileSync } from 'node:fs';
import { repoPath } from './deploy-paths.ts';

export interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

/** deploy/kibana/saved-objects.ndjson, one object per line. */
export function savedObjects(): SavedObject[] {
  return readFileSync(repoPath('deploy/kibana/saved-objects.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SavedObject);
}

const KQL_FIELD = /([@A-Za-z_][\w.@]*)\s*(?::|>=|<=|>|<)/g;

function searchSource(object: SavedObject): { query?: { query: string } } {
  const meta = object.attributes.kibanaSavedObjectMeta as { searchSourceJSON?: string } | undefined;
  return meta?.searchSourceJSON ? JSON.parse(meta.searchSourceJSON) : {};
}

/** The data view (index pattern) an object reads, from its references. */
export function dataViewOf(object: SavedObject): string | undefined {
  return object.references.find((r) => r.type === 'index-pattern')?.id;
}

/** Every document field an object names: columns, sort, KQL query fields, aggregation fields, the time field. */
export function fieldsOf(object: SavedObject): string[] {
  const fields = new Set<string>();
  const attributes = object.attributes as {
    timeFieldName?: string;
    columns?: string[];
    sort?: [string, string][];
    visState?: string;
  };
  if (attributes.timeFieldName) fields.add(attributes.timeFieldName);
  for (const column of attributes.columns ?? []) fields.add(column);
  for (const [field] of attributes.sort ?? []) fields.add(field);
  for (const [, field] of (searchSource(object).query?.query ?? '').matchAll(KQL_FIELD)) fields.add(field);
  if (attributes.visState) {
    const vis = JSON.parse(attributes.visState) as { aggs: { params: { field?: string } }[] };
    for (const agg of vis.aggs) if (agg.params.field) fields.add(agg.params.field);
  }
  return [...fields];
}
