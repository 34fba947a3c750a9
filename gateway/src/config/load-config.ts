import { readFile } from 'node:fs/promises';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { applyPipelineDefaults } from './default-processors.ts';
import { substituteEnv } from './env-substitution.ts';
import { configSchema, type GatewayConfig } from './schema.ts';

/** Reads, substitutes and validates a YAML config file. Throws an `invalid-argument` error naming every problem. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OtelgateError('invalid-argument', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigText(text, env, path);
}

export function parseConfigText(text: string, env: NodeJS.ProcessEnv = process.env, source = 'config'): GatewayConfig {
  let tree: unknown;
  try {
    tree = parseYaml(text, { prettyErrors: true, uniqueKeys: true }) ?? {};
  } catch (error) {
    throw new OtelgateError('invalid-argument', `${source}: not valid YAML: ${(error as Error).message}`);
  }
  return validateConfig(substituteEnv(tree, env), source);
}

export function validateConfig(tree: unknown, source = 'config'): GatewayConfig {
  const result = configSchema.safeParse(applyPipelineDefaults(tree ?? {}));
  if (!result.success) {
    throw new OtelgateError('invalid-argument', `${source} is not valid:\n${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

/** One line per problem: `receivers.otlp.http.endpoint: expected host:port, got "abc"`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path
        .map((part, index) =>
          typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`,
        )
        .join('');
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
          : issue.message;
      return `  ${path || '(top level)'}: ${message}`;
    })
    .join('\n');
}
