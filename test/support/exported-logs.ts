// Log records the file exporter wrote (OTLP/JSON, one request per line), flattened with their
// resource attributes, for tests of the log receivers.
import { readFileExport } from './file-output.ts';

export interface ExportedLog {
  body: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  severityNumber?: number;
  severityText?: string;
  timeUnixNano?: string;
}

interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

/** A JSON AnyValue as a plain JS value (kvlists as objects, ints as strings as OTLP/JSON writes them). */
export function plainValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return String(value.intValue);
  if ('boolValue' in value) return value.boolValue;
  if ('doubleValue' in value) return value.doubleValue;
  if ('kvlistValue' in value) return plainAttributes((value.kvlistValue as { values?: JsonKeyValue[] }).values);
  if ('arrayValue' in value)
    return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(plainValue);
  return undefined;
}

export function plainAttributes(attributes: JsonKeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) result[key] = plainValue(value);
  return result;
}

export function exportedLogs(path: string): ExportedLog[] {
  const logs: ExportedLog[] = [];
  for (const request of readFileExport(path)) {
    const resourceLogs = (request.resourceLogs ?? []) as {
      resource?: { attributes?: JsonKeyValue[] };
      scopeLogs?: { logRecords?: Record<string, unknown>[] }[];
    }[];
    for (const rl of resourceLogs) {
      const resource = plainAttributes(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          logs.push({
            body: String(plainValue(record.body as Record<string, unknown>) ?? ''),
            attributes: plainAttributes(record.attributes as JsonKeyValue[]),
            resource,
            severityNumber: record.severityNumber as number | undefined,
            severityText: record.severityText as string | undefined,
            timeUnixNano: record.timeUnixNano as string | undefined,
          });
        }
      }
    }
  }
  return logs;
}
