import type { z } from 'zod';
import { nearestName } from './nearest-name.ts';
import type { ConfigProblem } from './config-problem.ts';
import { applyPipelineDefaults } from './default-processors.ts';
import { unreadableFiles } from './file-checks.ts';
import { knownKeysAt } from './known-keys.ts';
import { listenerClashes } from './listener-clashes.ts';
import { configSchema, type GatewayConfig } from './schema.ts';

type Path = (string | number)[];

interface Rename {
  parent: Path;
  from: string;
  to: string;
}

/**
 * Checks a substituted YAML tree: the schema, then what the schema cannot see (listeners sharing
 * a port, input files that cannot be read). A misspelt key close to a known one is reported once
 * with the suggestion, and the rest is checked as if it were spelt right, so `exporter:` does not
 * also produce "exporter "file" is not configured" for every pipeline.
 */
export function checkConfig(tree: unknown): { config?: GatewayConfig; problems: ConfigProblem[] } {
  const first = schemaProblems(tree);
  const renames = first.renames.filter((rename) => !hasKey(tree, rename.parent, rename.to));
  const checked = renames.length > 0 ? schemaProblems(renamed(tree, renames)) : first;
  const problems: ConfigProblem[] = [
    ...renames.map(({ parent, from, to }) => ({ path: parent, key: from, message: unknownKey(from, to) })),
    ...checked.problems.map((problem) => ({ ...problem, path: originalPath(problem.path, renames) })),
    ...unreadableFiles(tree),
  ];
  if (checked.config) problems.push(...listenerClashes(checked.config));
  return { config: problems.length === 0 ? checked.config : undefined, problems };
}

function schemaProblems(tree: unknown): { config?: GatewayConfig; problems: ConfigProblem[]; renames: Rename[] } {
  const result = configSchema.safeParse(applyPipelineDefaults(tree ?? {}));
  if (result.success) return { config: result.data, problems: [], renames: [] };
  const problems: ConfigProblem[] = [];
  const renames: Rename[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
    const keys = unknownKeys(issue);
    if (!keys) {
      problems.push({ path, message: issue.message });
      continue;
    }
    const known = knownKeysAt(configSchema, path);
    for (const key of keys) {
      const nearest = nearestName(key, known);
      if (nearest) renames.push({ parent: path, from: key, to: nearest });
      else problems.push({ path, key, message: unknownKey(key) });
    }
  }
  return { problems, renames };
}

/** The unknown keys an issue reports: zod's own, or the component checks' `unknown key "x"` messages. */
function unknownKeys(issue: z.core.$ZodIssue): string[] | undefined {
  if (issue.code === 'unrecognized_keys') return issue.keys;
  const match = /^unknown keys? (.+)$/.exec(issue.message);
  return match ? (JSON.parse(`[${match[1]}]`) as string[]) : undefined;
}

function unknownKey(key: string, nearest?: string): string {
  return `unknown key ${JSON.stringify(key)}${nearest ? `; did you mean ${JSON.stringify(nearest)}?` : ''}`;
}

function hasKey(tree: unknown, parent: Path, key: string): boolean {
  const node = at(tree, parent);
  return node !== null && typeof node === 'object' && Object.hasOwn(node, key);
}

function at(tree: unknown, path: Path): unknown {
  let node = tree;
  for (const part of path) node = (node as Record<string | number, unknown> | undefined)?.[part];
  return node;
}

/** A copy of the tree with each misspelt key renamed to its suggestion. */
function renamed(tree: unknown, renames: Rename[]): unknown {
  const copy = structuredClone(tree) as Record<string, unknown>;
  for (const { parent, from, to } of renames) {
    const node = at(copy, parent) as Record<string, unknown>;
    node[to] = node[from];
    delete node[from];
  }
  return copy;
}

/** A path of the renamed tree as the user wrote it. */
function originalPath(path: Path, renames: Rename[]): Path {
  return path.map((part, index) => {
    const rename = renames.find(
      (candidate) => candidate.to === part && samePath(candidate.parent, path.slice(0, index)),
    );
    return rename ? rename.from : part;
  });
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}
