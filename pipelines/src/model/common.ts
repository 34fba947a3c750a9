// The plain data model the workers use: OTLP messages as JS objects.
// Field names follow the OTLP/JSON mapping (lowerCamelCase); trace and span ids are
// lowercase hex strings (empty string when absent); 64-bit integers are bigint.

export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

/** OTLP AnyValue: exactly one member is set, as in OTLP/JSON. An empty object is an unset value. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: bigint }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | { bytesValue: Uint8Array }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}
