import { z } from 'zod';

export const fileExporterConfigSchema = z.strictObject({
  /** The file written; its folder is created if missing. Relative paths are relative to the working directory. */
  path: z.string().min(1),
  rotation: z
    .strictObject({
      /** The file is rotated before a write would take it past this size (MiB; fractions allowed); 0 never rotates. */
      maxMegabytes: z.number().min(0).default(100),
      /** Rotated files kept (`<name>-<timestamp>.ndjson`, oldest deleted first); 0 keeps none. */
      maxBackups: z.number().int().min(0).default(5),
    })
    .prefault({}),
  /** `json`: one OTLP/JSON export request per line, as the Collector's file exporter writes them. */
  format: z.enum(['json']).default('json'),
});

export type FileExporterConfig = z.output<typeof fileExporterConfigSchema>;
