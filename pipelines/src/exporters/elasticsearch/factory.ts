import type { ExporterFactory } from '@otelgate/pipelines/components/factory.ts';
import { type ElasticsearchExporterConfig, elasticsearchExporterConfigSchema } from './config.ts';
import { declareElasticsearchMetrics } from './metrics.ts';

export const elasticsearchExporterFactory: ExporterFactory<ElasticsearchExporterConfig> = {
  type: 'elasticsearch',
  kind: 'exporter',
  configSchema: elasticsearchExporterConfigSchema,
  async create(config, context) {
    // Loaded on first use: the Elasticsearch client takes tens of MiB, and the ingest role never exports.
    const { ElasticsearchExporter } = await import('./elasticsearch-exporter.ts');
    return new ElasticsearchExporter(
      context.id,
      config,
      context.logger.child({ component: context.id }),
      declareElasticsearchMetrics(context.meter),
    );
  },
};
