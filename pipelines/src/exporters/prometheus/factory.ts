import type { ExporterFactory } from '@otelgate/pipelines/components/factory.ts';
import { type PrometheusExporterConfig, prometheusExporterConfigSchema } from './config.ts';
import { declarePrometheusMetrics } from './metrics.ts';

export const prometheusExporterFactory: ExporterFactory<PrometheusExporterConfig> = {
  type: 'prometheus',
  kind: 'exporter',
  configSchema: prometheusExporterConfigSchema,
  async create(config, context) {
    // Loaded on first use (snappy is a native module), not by every role that validates a config.
    const { PrometheusExporter } = await import('./prometheus-exporter.ts');
    return new PrometheusExporter(
      context.id,
      config,
      context.logger.child({ component: context.id }),
      declarePrometheusMetrics(context.meter),
    );
  },
};
