import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoPath } from './deploy-paths.ts';
import { instantQuery, sharedPrometheusUrl } from './prometheus-service.ts';

interface Target {
  expr?: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Target[];
  panels?: Panel[];
  gridPos: { h: number; w: number; x: number; y: number };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string; datasource?: { uid: string } }[] };
}

const dashboardsDir = repoPath('deploy/grafana/dashboards');
const dashboards = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, doc: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard }));
const datasourceUids = (
  parse(readFileSync(repoPath('deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8')) as {
    datasources: { uid: string }[];
  }
).datasources.map((d) => d.uid);

function panelsOf(doc: Dashboard): Panel[] {
  return doc.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Grafana's built-in interval variables and the dashboard's own variables, resolved to values Prometheus accepts. */
function resolveVariables(expr: string): string {
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

const expressions = dashboards.flatMap(({ file, doc }) => [
  ...panelsOf(doc).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({ where: `${file} "${panel.title}"`, expr: t.expr ?? '' })),
  ),
  ...doc.templating.list.map((v) => ({
    where: `${file} variable $${v.name}`,
    expr: variableQueryAsPromql(typeof v.query === 'string' ? v.query : v.query.query),
  })),
]);

describe('Grafana provisioning and dashboards', () => {
  it('has the six dashboards, each with a unique uid', () => {
    expect(dashboards.map((d) => d.doc.uid).sort()).toEqual([
      'frontend-web-vitals',
      'infrastructure',
      'otelgate-overview',
      'postgresql',
      'redis',
      'service-red',
    ]);
  });

  it('uses only provisioned datasources and defined template variables, with unique panel ids on the grid', () => {
    for (const { file, doc } of dashboards) {
      const panels = panelsOf(doc);
      expect(new Set(panels.map((p) => p.id)).size, file).toBe(panels.length);
      const variables = new Set(doc.templating.list.map((v) => v.name));
      for (const panel of panels) {
        expect(panel.gridPos.x + panel.gridPos.w, `${file} ${panel.title}`).toBeLessThanOrEqual(24);
        if (panel.type === 'row') continue;
        expect(datasourceUids, `${file} ${panel.title}`).toContain(panel.datasource?.uid);
        expect(panel.targets?.length, `${file} ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          for (const [, name] of (target.expr ?? '').matchAll(/\$\{?([A-Za-z]\w*)/g)) {
            expect(variables, `${file} ${panel.title} uses $${name}`).toContain(name);
          }
        }
      }
    }
  });

  it('provisions the dashboards folder that docker-compose.yml mounts', () => {
    const provider = parse(readFileSync(repoPath('deploy/grafana/provisioning/dashboards/dashboards.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const compose = readFileSync(repoPath('docker-compose.yml'), 'utf8');
    expect(compose).toContain(`./deploy/grafana/dashboards:${provider.providers[0].options.path}:ro`);
  });
});

describe('every dashboard query against a real Prometheus', () => {
  let url: string;
  beforeAll(() => {
    url = sharedPrometheusUrl();
  });

  it('rejects a broken expression (the check below can fail)', async () => {
    const result = await instantQuery(url, 'sum by (job (rate(up[1m]))');
    expect(result.status).toBe('error');
    expect(result.errorType).toBe('bad_data');
  });

  it(`parses and evaluates all ${expressions.length} panel and variable expressions`, async () => {
    expect(expressions.length).toBeGreaterThan(80);
    const failures: string[] = [];
    for (const { where, expr } of expressions) {
      const result = await instantQuery(url, resolveVariables(expr));
      if (result.status !== 'success') failures.push(`${where}: ${result.error} in ${expr}`);
    }
    expect(failures).toEqual([]);
  });
});
