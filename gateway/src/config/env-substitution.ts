import type { ConfigProblem } from './config-problem.ts';

// `${NAME}`, `${env:NAME}`, each with an optional `:-default`; `$${...}` is an escaped literal.
const REFERENCE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${env:NAME}` (each also as `${NAME:-default}`) in every string of a
 * parsed YAML tree, as the Collector does. `$${NAME}` stays literal as `${NAME}`. An unset
 * variable without a default is a problem at the path of the string that names it.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, problems, [...path, index]));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = Object.create(null);
    for (const [key, child] of Object.entries(value)) result[key] = substituteEnv(child, env, problems, [...path, key]);
    return result;
  }
  return value;
}

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: (string | number)[],
): string {
  return text
    .replace(REFERENCE, (whole, name: string, fallback: string | undefined, offset: number) => {
      if (offset > 0 && text[offset - 1] === '$') return whole;
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `environment variable ${name} is not set` });
      return whole;
    })
    .replaceAll('$${', '${');
}
