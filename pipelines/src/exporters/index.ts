// Every exporter the config can name. Add one line per component.
import type { ExporterFactory } from '../components/factory.ts';
import { elasticsearchExporterFactory } from './elasticsearch/factory.ts';
import { prometheusExporterFactory } from './prometheus/factory.ts';
import { debugExporterFactory } from './debug/factory.ts';
import { fileExporterFactory } from './file/factory.ts';

export const EXPORTER_FACTORIES: ExporterFactory[] = [
  debugExporterFactory,
  fileExporterFactory,
  prometheusExporterFactory,
  elasticsearchExporterFactory,
];
