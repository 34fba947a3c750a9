import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoPath } from './deploy-paths.ts';
import { dashboardExpressions, loadDashboards, panelsOf, resolveVariables } from './grafana-expressions.ts';
import { instantQuery, sharedPrometheusUrl } from './prometheus-service.ts';

const dashboards = loadDashboards();
const expressions = dashboardExpressions(dashboards);
const datasourceUids = (
  parse(readFileSync(repoPath('deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8')) as {
    datasources: { uid: string }[];
  }
).datasources.map((d) => d.uid);

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
