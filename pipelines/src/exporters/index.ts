// Every exporter the config can name. Add one line per component.
import type { ExporterFactory } from '../components/factory.ts';

export const EXPORTER_FACTORIES: ExporterFactory[] = [];
