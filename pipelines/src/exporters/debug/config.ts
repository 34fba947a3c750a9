import { z } from 'zod';

export const debugExporterConfigSchema = z.strictObject({
  /**
   * `basic`: one log line per batch (signal, records, resources, items); `normal`: one line per
   * record with its services and counts; `detailed`: one line per record with the full OTLP/JSON.
   */
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic'),
});

export type DebugExporterConfig = z.output<typeof debugExporterConfigSchema>;
