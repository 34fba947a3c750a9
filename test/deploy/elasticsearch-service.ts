import { sharedServiceValue } from './shared-service.ts';

/** The URL of the shared test Elasticsearch (test/services/elasticsearch). */
export function sharedElasticsearchUrl(): string {
  return sharedServiceValue('elasticsearch', 'ES_URL');
}

interface MappingNode {
  type?: string;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
}

/** Every field path of a mapping (`a.b.c`), multi-fields (`body.keyword`) included, with its type. */
export function mappedFields(properties: Record<string, MappingNode>, prefix = ''): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, node] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    fields.set(path, node.type ?? 'object');
    if (node.properties) for (const [p, t] of mappedFields(node.properties, `${path}.`)) fields.set(p, t);
    if (node.fields) for (const [p, t] of mappedFields(node.fields, `${path}.`)) fields.set(p, t);
  }
  return fields;
}
