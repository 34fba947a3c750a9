import { EXPORTER_FACTORIES } from '@otelgate/pipelines/exporters/index.ts';
import { componentType } from '@otelgate/pipelines/process/config.ts';
import { PROCESSOR_FACTORIES } from '@otelgate/pipelines/processors/index.ts';
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

/**
 * The keys a mapping at `path` may hold, read from the schemas (component configs from their
 * factories), for "did you mean" on an unknown key. Empty when the path is not a fixed mapping.
 */
export function knownKeysAt(root: AnySchema, path: readonly (string | number)[]): string[] {
  if ((path[0] === 'processors' || path[0] === 'exporters') && path.length >= 2) {
    const factories = path[0] === 'processors' ? PROCESSOR_FACTORIES : EXPORTER_FACTORIES;
    const factory = factories.find((candidate) => candidate.type === componentType(String(path[1])));
    return factory ? keysOf(descend(factory.configSchema, path.slice(2))) : [];
  }
  return keysOf(descend(root, path));
}

function descend(schema: AnySchema | undefined, path: readonly (string | number)[]): AnySchema | undefined {
  let current = schema;
  for (const part of path) {
    current = unwrap(current);
    if (!current) return undefined;
    const def = current._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'object') current = (def.shape as Record<string, AnySchema>)[String(part)];
    else if (def.type === 'array') current = def.element as AnySchema;
    else if (def.type === 'record') current = def.valueType as AnySchema;
    else return undefined;
  }
  return current;
}

function keysOf(schema: AnySchema | undefined): string[] {
  const inner = unwrap(schema);
  if (!inner) return [];
  const def = inner._zod.def as unknown as Record<string, unknown>;
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') return (def.options as AnySchema[]).flatMap((option) => keysOf(option));
  return [];
}

/** Through default, optional, nullable, pipe and the like to the schema that holds the shape. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 16; depth++) {
    const def = current._zod.def as unknown as Record<string, unknown>;
    if (def.innerType) current = def.innerType as AnySchema;
    else if (def.type === 'pipe') current = def.in as AnySchema;
    else if (def.type === 'lazy') current = (def.getter as () => AnySchema)();
    else return current;
  }
  return current;
}
