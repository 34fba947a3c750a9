import type { ExporterFactory } from '../../components/factory.ts';
import { toOtlpJson } from '../../otlp/index.ts';
import { type FileExporterConfig, fileExporterConfigSchema } from './config.ts';
import { FileExporter } from './file-exporter.ts';

export const fileExporterFactory: ExporterFactory<FileExporterConfig> = {
  type: 'file',
  kind: 'exporter',
  configSchema: fileExporterConfigSchema,
  create(config, context) {
    return new FileExporter(context.id, config, toOtlpJson);
  },
};
