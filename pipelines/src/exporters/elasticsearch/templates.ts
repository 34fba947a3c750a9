// Index templates with explicit mappings, installed at start.
import type { ElasticsearchExporterConfig } from './config.ts';
import type { IndexKind } from './index-naming.ts';

const keyword = { type: 'keyword', ignore_above: 1024 };

/** Dynamic attributes: strings as keywords, nothing else special; dotted keys stay flat. */
const flatAttributes = {
  type: 'object',
  subobjects: false,
  dynamic: true,
};

const common = {
  '@timestamp': { type: 'date_nanos' },
  'trace.id': { type: 'keyword' },
  'span.id': { type: 'keyword' },
  'service.name': keyword,
  'scope.name': keyword,
  'scope.version': keyword,
  attributes: flatAttributes,
  'resource.attributes': flatAttributes,
  geo: {
    properties: {
      location: { type: 'geo_point' },
      'continent.code': keyword,
      'country.iso_code': keyword,
      'region.iso_code': keyword,
      'locality.name': keyword,
      postal_code: keyword,
    },
  },
  'error.type': keyword,
  'otelgate.error.category': keyword,
  'otelgate.error.fingerprint': keyword,
};

function template(config: ElasticsearchExporterConfig, signal: IndexKind, properties: Record<string, unknown>) {
  return {
    name: `${config.indexPrefix}-${signal}`,
    index_patterns: [`${config.indexPrefix}-${signal}-*`],
    priority: 200,
    template: {
      settings: {
        'index.number_of_shards': config.numberOfShards,
        'index.auto_expand_replicas': `0-${config.numberOfReplicas}`,
        'index.refresh_interval': config.refreshInterval,
        'index.mapping.total_fields.limit': 5000,
      },
      mappings: {
        // With subobjects:false the flattened keys are the field names; strings are keywords.
        dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: keyword } }],
        properties: { ...common, ...properties },
      },
    },
    _meta: { managed_by: 'otelgate' },
  };
}

const logFields = {
  observed_timestamp: { type: 'date_nanos' },
  'severity.text': keyword,
  'severity.number': { type: 'byte' },
  body: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 8191 } } },
  'event.name': keyword,
};

export function indexTemplates(config: ElasticsearchExporterConfig) {
  return [
    template(config, 'logs', logFields),
    // The alert history (receivers.alertmanager, `otelgate alerts ack`): log records whose alert
    // fields are typed for the dashboard (time to resolve is a number, the times are dates).
    template(config, 'alerts', {
      ...logFields,
      attributes: {
        ...flatAttributes,
        properties: {
          'alert.name': keyword,
          'alert.status': keyword,
          'alert.severity': keyword,
          'alert.fingerprint': keyword,
          'alert.acknowledged_by': keyword,
          'alert.duration_seconds': { type: 'double' },
          'alert.starts_at': { type: 'date' },
          'alert.ends_at': { type: 'date' },
        },
      },
    }),
    template(config, 'traces', {
      end_timestamp: { type: 'date_nanos' },
      'parent.id': { type: 'keyword' },
      'trace.state': { type: 'keyword', index: false },
      name: keyword,
      kind: keyword,
      'status.code': keyword,
      'status.message': { type: 'text' },
      'duration.ns': { type: 'long' },
      events: { type: 'object', enabled: false },
      links: { type: 'object', enabled: false },
    }),
  ];
}
