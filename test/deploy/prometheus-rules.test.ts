import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envExample, repoPath } from './deploy-paths.ts';
import { runTool } from './run-tool.ts';

const prometheusDir = repoPath('deploy/prometheus');
const ruleFiles = readdirSync(join(prometheusDir, 'rules')).filter((f) => f.endsWith('.yml'));
const testFiles = readdirSync(join(prometheusDir, 'tests')).filter((f) => f.endsWith('.yml'));

interface RuleDoc {
  groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

function alertsOf(file: string) {
  const doc = parse(readFileSync(join(prometheusDir, 'rules', file), 'utf8')) as RuleDoc;
  return doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
}

describe('Prometheus configuration and alert rules', () => {
  it('passes promtool check config', async () => {
    const result = await runTool('promtool', ['check', 'config', 'prometheus.yml'], { cwd: prometheusDir });
    expect(result.stderr + result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('passes promtool check rules for every rule file', async () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    const result = await runTool('promtool', ['check', 'rules', ...ruleFiles.map((f) => `rules/${f}`)], {
      cwd: prometheusDir,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
  });

  it('gives every alert a severity, a component, a summary, a description and a runbook', () => {
    for (const file of ruleFiles) {
      for (const rule of alertsOf(file)) {
        expect(['critical', 'warning'], `${file} ${rule.alert}`).toContain(rule.labels?.severity);
        expect(rule.labels?.component, `${file} ${rule.alert}`).toBeTruthy();
        for (const key of ['summary', 'description', 'runbook']) {
          expect(rule.annotations?.[key], `${file} ${rule.alert} ${key}`).toBeTruthy();
        }
      }
    }
  });

  it('has a promtool unit test for every alert, firing and quiet', () => {
    for (const file of ruleFiles) {
      expect(testFiles, `tests/${file}`).toContain(file);
      const tests = parse(readFileSync(join(prometheusDir, 'tests', file), 'utf8')) as {
        rule_files: string[];
        tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      expect(tests.rule_files).toEqual([`../rules/${file}`]);
      const cases = tests.tests.flatMap((t) => t.alert_rule_test);
      for (const rule of alertsOf(file)) {
        const mine = cases.filter((c) => c.alertname === rule.alert);
        expect(
          mine.some((c) => c.exp_alerts.length > 0),
          `${rule.alert} never expected to fire`,
        ).toBe(true);
        expect(
          mine.some((c) => c.exp_alerts.length === 0),
          `${rule.alert} never expected to stay quiet`,
        ).toBe(true);
      }
    }
  });

  it('passes promtool test rules: each alert fires on the series that should fire it and only those', async () => {
    const result = await runTool('promtool', ['test', 'rules', ...testFiles.map((f) => `tests/${f}`)], {
      cwd: prometheusDir,
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect((result.stdout.match(/SUCCESS/g) ?? []).length).toBe(testFiles.length);
  });
});

describe('Alertmanager configuration', () => {
  const runtime = mkdtempSync(join(tmpdir(), 'otelgate-alertmanager-'));
  afterAll(() => rmSync(runtime, { recursive: true, force: true }));

  async function render(env: Record<string, string>) {
    return runTool('sh', [repoPath('deploy/alertmanager/entrypoint.sh'), '--render-only'], {
      env: {
        PATH: process.env.PATH,
        ...env,
        ALERTMANAGER_TEMPLATE: repoPath('deploy/alertmanager/alertmanager.yml'),
        ALERTMANAGER_RUNTIME_DIR: runtime,
      },
    });
  }

  it('renders from the .env.example values and passes amtool check-config', async () => {
    const rendered = await render(envExample());
    expect(rendered.code, rendered.stderr).toBe(0);
    const file = rendered.stdout.trim();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/\$\{/);
    // Secrets go to files, never into the rendered configuration.
    expect(text).not.toContain(envExample().SMTP_PASSWORD);
    expect(text).not.toContain(envExample().SLACK_WEBHOOK_URL);
    expect(readFileSync(join(runtime, 'secrets/smtp-password'), 'utf8')).toBe(envExample().SMTP_PASSWORD);
    const check = await runTool('amtool', ['check-config', file]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).toContain('6 inhibit rules');
  });

  it('refuses to render when a variable the template needs is missing from the environment', async () => {
    const env = envExample();
    delete env.ALERT_EMAIL_TO;
    const rendered = await render(env);
    expect(rendered.code).not.toBe(0);
    expect(rendered.stderr).toContain('ALERT_EMAIL_TO is not set');
  });

  it('routes critical alerts to the critical receiver and warnings to the warnings receiver (each also to the history)', async () => {
    const rendered = await render(envExample());
    const file = rendered.stdout.trim();
    const route = async (...labels: string[]) =>
      (await runTool('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();
    expect(await route('severity=critical', 'alertname=OtelgateDown')).toBe('history,critical,escalation');
    expect(await route('severity=warning', 'alertname=HostHighCpu')).toBe('history,warnings');
    expect(await route('alertname=Unlabelled')).toBe('history,warnings');
  });
});
