import type { ExporterFactory } from '@otelgate/pipelines/components/factory.ts';
import { type PrometheusExporterConfig, prometheusExporterConfigSchema } from './config.ts';
import { declarePrometheusMetrics } from './metrics.ts';
import { PrometheusExporter } from './prometheus-exporter.ts';

export const prometheusExporterFactory: ExporterFactory<PrometheusExporterConfig> = {
  type: 'prometheus',
  kind: 'exporter',
  configSchema: prometheusExporterConfigSchema,
  create(config, context) {
    return new PrometheusExporter(
      context.id,
      config,
      context.logger.child({ component: context.id }),
      declarePrometheusMetrics(context.meter),
    );
  },
};
