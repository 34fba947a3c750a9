import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './deploy-paths.ts';

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
  gridPos: { h: number; w: number; x: number; y: number };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string; datasource?: { uid: string } }[] };
}
export interface DashboardExpression {
  dashboard: string;
  where: string;
  expr: string;
}

/** Every dashboard JSON under deploy/grafana/dashboards. */
export function loadDashboards(): { file: string; doc: Dashboard }[] {
  const dir = repoPath('deploy/grafana/dashboards');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, doc: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Panels, including those nested in collapsed rows. */
export function panelsOf(doc: Dashboard): Panel[] {
  return doc.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Grafana's interval variables and the dashboard's own variables, resolved to values Prometheus accepts. */
export function resolveVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replace(/\$\{?([A-Za-z_]\w*)\}?/g, '.*');
}

/** `label_values(selector, label)` -> `selector`: the series a template variable reads, as PromQL. */
function variableQueryAsPromql(query: string): string {
  const match = /^label_values\((.*),\s*\w+\)$/.exec(query.trim());
  return match ? match[1] : query;
}

/** Every PromQL expression of every panel target and template variable, named by where it is. */
export function dashboardExpressions(dashboards = loadDashboards()): DashboardExpression[] {
  return dashboards.flatMap(({ file, doc }) => [
    ...panelsOf(doc).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({ dashboard: doc.uid, where: `${file} "${panel.title}"`, expr: t.expr ?? '' })),
    ),
    ...doc.templating.list.map((v) => ({
      dashboard: doc.uid,
      where: `${file} variable $${v.name}`,
      expr: variableQueryAsPromql(typeof v.query === 'string' ? v.query : v.query.query),
    })),
  ]);
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
]);

/** The metric names an expression reads: identifiers outside selectors, groupings and strings that are not function calls. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const [name] of bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)) {
    if (!PROMQL_WORDS.has(name)) names.add(name);
  }
  return [...names];
}
