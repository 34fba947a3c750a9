import { readFile } from 'node:fs/promises';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { LineCounter, parseDocument } from 'yaml';
import { checkConfig } from './check-config.ts';
import { type ConfigProblem, formatPath } from './config-problem.ts';
import { substituteEnv } from './env-substitution.ts';
import type { GatewayConfig } from './schema.ts';
import { locateInYaml } from './yaml-locations.ts';

type Locate = (problem: ConfigProblem) => string;

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
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    throw new OtelgateError('invalid-argument', `${source}: not valid YAML: ${document.errors[0].message}`);
  }
  const locate: Locate = (problem) => {
    const where = locateInYaml(document, lines, problem.path, problem.key);
    return where ? `${source}:${where.line}:${where.column}: ` : '';
  };
  const substitutionProblems: ConfigProblem[] = [];
  const tree = substituteEnv(document.toJS() ?? {}, env, substitutionProblems);
  if (substitutionProblems.length > 0) throw invalid(source, substitutionProblems, locate);
  return validateConfig(tree, source, locate);
}

/** Validates a tree already parsed and substituted (the embedded defaults are `{}`). */
export function validateConfig(tree: unknown, source = 'config', locate: Locate = () => ''): GatewayConfig {
  const { config, problems } = checkConfig(tree ?? {});
  if (!config) throw invalid(source, problems, locate);
  return config;
}

/**
 * One line per problem, pointing at the file, line and column when known:
 * `otelgate.yaml:3:19: receivers.otlp.http.endpoint: port must be 1–65535, got 99999`.
 */
function invalid(source: string, problems: ConfigProblem[], locate: Locate): OtelgateError {
  const lines = problems.map((problem) => `  ${locate(problem)}${formatPath(problem.path)}: ${problem.message}`);
  return new OtelgateError('invalid-argument', `${source} is not valid:\n${lines.join('\n')}`);
}
