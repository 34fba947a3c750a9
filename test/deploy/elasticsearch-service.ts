import { execFileSync } from 'node:child_process';
import { repoPath } from './deploy-paths.ts';

/**
 * The URL of the shared test Elasticsearch: ES_URL from test/global-setup.ts, or, when the suite
 * runs alone without it, what `test/services/elasticsearch status` / `start` prints.
 */
export function sharedElasticsearchUrl(): string {
  if (process.env.ES_URL) return process.env.ES_URL;
  const output = runScript('status') ?? runScript('start') ?? '';
  const match = /^ES_URL=(.*)$/m.exec(output);
  if (!match) throw new Error(`test/services/elasticsearch printed no ES_URL: ${output}`);
  process.env.ES_URL = match[1];
  return match[1];
}

function runScript(command: 'status' | 'start'): string | undefined {
  try {
    return execFileSync('bash', [repoPath('test/services/elasticsearch'), command], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 300_000,
    });
  } catch (error) {
    if (command === 'start') throw error;
    return undefined;
  }
}

interface MappingNode {
  type?: string;
  properties?: Record<string, MappingNode>;
  fields?: Record<string, MappingNode>;
}

/** Every field path of a mapping (`a.b.c`), multi-fields (`body.keyword`) included, with its type. */
export function mappedFields(properties: Record<string, MappingNode>, prefix = ''): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, node] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    fields.set(path, node.type ?? 'object');
    if (node.properties) for (const [p, t] of mappedFields(node.properties, `${path}.`)) fields.set(p, t);
    if (node.fields) for (const [p, t] of mappedFields(node.fields, `${path}.`)) fields.set(p, t);
  }
  return fields;
}
