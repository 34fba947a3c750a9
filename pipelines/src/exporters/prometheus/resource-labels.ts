// job / instance / promoted labels and the target_info series for one OTLP resource.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import { sanitizeLabelName } from './naming.ts';

export function anyValueToString(value: AnyValue): string {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue.toString();
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return value.boolValue ? 'true' : 'false';
  if ('bytesValue' in value) return Buffer.from(value.bytesValue).toString('base64');
  if ('arrayValue' in value) return JSON.stringify(value.arrayValue.values.map(anyValueToString));
  if ('kvlistValue' in value) {
    return JSON.stringify(
      Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, anyValueToString(kv.value)])),
    );
  }
  return '';
}

/**
 * Adds attributes to a label map, sanitizing names. Attributes whose sanitized names
 * collide are joined with `;` in the order of their original keys (the specification's rule).
 */
export function addAttributeLabels(labels: Map<string, string>, attributes: KeyValue[]): void {
  if (attributes.length === 0) return;
  const sorted =
    attributes.length > 1 ? [...attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : attributes;
  const seen = new Set<string>();
  for (const kv of sorted) {
    const name = sanitizeLabelName(kv.key);
    const value = anyValueToString(kv.value);
    if (name.length === 0 || value.length === 0) continue;
    if (seen.has(name)) labels.set(name, `${labels.get(name)};${value}`);
    else {
      seen.add(name);
      labels.set(name, value);
    }
  }
}

export interface ResourceLabels {
  /** job, instance and promoted attributes: put on every series of the resource. */
  common: Map<string, string>;
  /** The target_info labels (job, instance and the other resource attributes); undefined when there are none. */
  targetInfo: Map<string, string> | undefined;
}

const IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

export function resourceLabels(attributes: KeyValue[], promote: ReadonlySet<string>): ResourceLabels {
  let name: string | undefined;
  let namespace: string | undefined;
  let instance: string | undefined;
  const promoted: KeyValue[] = [];
  const rest: KeyValue[] = [];
  for (const kv of attributes) {
    if (kv.key === 'service.name') name = anyValueToString(kv.value);
    else if (kv.key === 'service.namespace') namespace = anyValueToString(kv.value);
    else if (kv.key === 'service.instance.id') instance = anyValueToString(kv.value);
    if (promote.has(kv.key)) promoted.push(kv);
    if (!IDENTITY.has(kv.key)) rest.push(kv);
  }
  const common = new Map<string, string>();
  addAttributeLabels(common, promoted);
  if (name) common.set('job', namespace ? `${namespace}/${name}` : name);
  if (instance) common.set('instance', instance);
  let targetInfo: Map<string, string> | undefined;
  if (rest.length > 0) {
    targetInfo = new Map<string, string>();
    addAttributeLabels(targetInfo, rest);
    if (common.has('job')) targetInfo.set('job', common.get('job') as string);
    if (common.has('instance')) targetInfo.set('instance', common.get('instance') as string);
  }
  return { common, targetInfo };
}
