import type { ExporterFactory } from '@otelgate/pipelines/components/factory.ts';
import { type ElasticsearchExporterConfig, elasticsearchExporterConfigSchema } from './config.ts';
import { ElasticsearchExporter } from './elasticsearch-exporter.ts';
import { declareElasticsearchMetrics } from './metrics.ts';

export const elasticsearchExporterFactory: ExporterFactory<ElasticsearchExporterConfig> = {
  type: 'elasticsearch',
  kind: 'exporter',
  configSchema: elasticsearchExporterConfigSchema,
  create(config, context) {
    return new ElasticsearchExporter(
      context.id,
      config,
      context.logger.child({ component: context.id }),
      declareElasticsearchMetrics(context.meter),
    );
  },
};
