import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${env:NAME}` (and `${env:NAME:-default}`) in every string of a parsed YAML tree,
 * as the Collector does. `$${env:NAME}` stays literal. An unset variable without a default is an error.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') return substituteString(value, env, path);
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = Object.create(null);
    for (const [key, child] of Object.entries(value)) {
      result[key] = substituteEnv(child, env, path ? `${path}.${key}` : key);
    }
    return result;
  }
  return value;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, path: string): string {
  return text
    .replace(REFERENCE, (whole, name: string, fallback: string | undefined, offset: number) => {
      if (offset > 0 && text[offset - 1] === '$') return whole;
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      throw new OtelgateError('invalid-argument', `${path}: environment variable ${name} is not set`);
    })
    .replaceAll('$${env:', '${env:');
}
