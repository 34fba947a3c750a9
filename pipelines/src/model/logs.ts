import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './common.ts';

export interface LogsData {
  resourceLogs: ResourceLogs[];
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** SeverityNumber 0..24 */
  severityNumber: number;
  severityText: string;
  /** Absent (undefined) or present; a present-but-empty body (`{}`) is kept as sent. */
  body: AnyValue | undefined;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}
