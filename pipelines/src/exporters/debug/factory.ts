import type { ExporterFactory } from '../../components/factory.ts';
import { toOtlpJson } from '../../otlp/index.ts';
import { type DebugExporterConfig, debugExporterConfigSchema } from './config.ts';
import { DebugExporter } from './debug-exporter.ts';

export const debugExporterFactory: ExporterFactory<DebugExporterConfig> = {
  type: 'debug',
  kind: 'exporter',
  configSchema: debugExporterConfigSchema,
  create(config, context) {
    return new DebugExporter(context.id, config, context.logger.child({ component: context.id }), toOtlpJson);
  },
};
