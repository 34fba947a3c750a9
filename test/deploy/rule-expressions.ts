import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoPath } from './deploy-paths.ts';

export interface RuleExpression {
  where: string;
  expr: string;
}

/** Every alerting and recording rule expression under deploy/prometheus/rules, named by file and rule. */
export function ruleExpressions(): RuleExpression[] {
  const dir = repoPath('deploy/prometheus/rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
        groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
      };
      return doc.groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `${file} ${r.alert ?? r.record}`, expr: String(r.expr) })),
      );
    });
}
