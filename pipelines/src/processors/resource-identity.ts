// The resource attributes the Prometheus translation makes job (service.namespace/service.name)
// and instance (service.instance.id) from. Processors that derive metrics (spanmetrics,
// logmetrics) put exactly these on what they emit, so derived series join the application's own.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';

const IDENTITY = ['service.namespace', 'service.name', 'service.instance.id'] as const;

export interface ResourceIdentity {
  /** Equal for resources that give the same job and instance. */
  key: string;
  attributes: KeyValue[];
}

/** A scalar AnyValue as text; undefined for absent, array, kvlist and bytes values. */
export function scalarString(value: AnyValue | undefined): string | undefined {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue.toString();
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  return undefined;
}

export function findAttribute(attributes: KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attributes) if (kv.key === key) return kv.value;
  return undefined;
}

/** `service` overrides service.name (spanmetrics names unnamed services `unknown_service`). */
export function resourceIdentity(resource: KeyValue[], service?: string): ResourceIdentity {
  const attributes: KeyValue[] = [];
  let key = '';
  for (const name of IDENTITY) {
    const value =
      name === 'service.name' && service !== undefined ? service : scalarString(findAttribute(resource, name));
    key += `\u0002${value ?? ''}`;
    if (value !== undefined && value !== '') attributes.push({ key: name, value: { stringValue: value } });
  }
  return { key, attributes };
}
