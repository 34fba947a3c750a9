// The shipped alerting path with test-local targets, for measuring fault -> notification: a real
// Prometheus running deploy/prometheus/prometheus.yml (every job's intervals kept, its targets
// read from file_sd files this module writes) with the project's rule files, a real Alertmanager
// running alertmanager.yml rendered by its entrypoint, and a webhook server recording when each
// firing alert arrives. Used by alert-latency.test.ts and the alert-latency bench scenario.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../support/free-port.ts';
import { envExample, repoPath } from './deploy-paths.ts';
import { instantQuery } from './prometheus-service.ts';
import { runTool } from './run-tool.ts';

export interface AlertArrival {
  alertname: string;
  instance: string;
  /** The service_name label (application alerts). */
  service: string;
  status: string;
  /** Date.now() when the webhook call arrived. */
  at: number;
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: unknown;
  file_sd_configs?: unknown;
}

export class AlertLatencyStack {
  private readonly targets = new Map<string, Set<string>>();
  private readonly children: ChildProcess[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];

  readonly dir: string;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Every alert the webhook received, in arrival order. */
  readonly arrivals: AlertArrival[];
  private readonly webhook: Server;

  private constructor(
    dir: string,
    webhook: Server,
    urls: { prometheus: string; alertmanager: string },
    arrivals: AlertArrival[],
  ) {
    this.dir = dir;
    this.alertmanagerUrl = urls.alertmanager;
    this.webhook = webhook;
    this.prometheusUrl = urls.prometheus;
    this.arrivals = arrivals;
  }

  static async start(): Promise<AlertLatencyStack> {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-alert-latency-'));
    const arrivals: AlertArrival[] = [];
    const webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const at = Date.now();
        const payload = JSON.parse(body) as { alerts: { status: string; labels: Record<string, string> }[] };
        for (const alert of payload.alerts) {
          arrivals.push({
            alertname: alert.labels.alertname,
            instance: alert.labels.instance,
            service: alert.labels.service_name,
            status: alert.status,
            at,
          });
        }
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookPort = (webhook.address() as { port: number }).port;

    const rendered = await runTool('sh', [repoPath('deploy/alertmanager/entrypoint.sh'), '--render-only'], {
      env: {
        PATH: process.env.PATH,
        ...envExample(),
        ALERT_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/alerts`,
        ALERTMANAGER_TEMPLATE: repoPath('deploy/alertmanager/alertmanager.yml'),
        ALERTMANAGER_RUNTIME_DIR: join(dir, 'alertmanager-runtime'),
      },
    });
    if (rendered.code !== 0) throw new Error(`alertmanager entrypoint: ${rendered.stderr}`);

    const alertmanagerPort = await freePort();
    const prometheusPort = await freePort();
    const stack = new AlertLatencyStack(
      dir,
      webhook,
      { prometheus: `http://127.0.0.1:${prometheusPort}`, alertmanager: `http://127.0.0.1:${alertmanagerPort}` },
      arrivals,
    );

    stack.spawn('prometheus-alertmanager', [
      `--config.file=${rendered.stdout.trim()}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      '--cluster.listen-address=',
    ]);
    writeFileSync(join(dir, 'prometheus.yml'), stack.renderPrometheusConfig(alertmanagerPort));
    stack.spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    await stack.waitFor(
      'Alertmanager and Prometheus ready',
      async () => {
        const ready = await Promise.all([
          fetch(`http://127.0.0.1:${alertmanagerPort}/-/ready`),
          fetch(`${stack.prometheusUrl}/-/ready`),
        ]);
        return ready.every((r) => r.ok) ? true : undefined;
      },
      60_000,
    );
    return stack;
  }

  /** The shipped prometheus.yml with every job's targets moved to a file this stack writes. */
  private renderPrometheusConfig(alertmanagerPort: number): string {
    const shipped = parse(readFileSync(repoPath('deploy/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: ScrapeConfig[];
    } & Record<string, unknown>;
    mkdirSync(join(this.dir, 'targets'));
    for (const job of shipped.scrape_configs) {
      delete job.static_configs;
      job.file_sd_configs = [{ files: [join(this.dir, 'targets', `${job.job_name}.json`)] }];
      this.targets.set(job.job_name, new Set());
      this.writeTargets(job.job_name);
    }
    return stringify({
      ...shipped,
      rule_files: [repoPath('deploy/prometheus/rules/*.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    });
  }

  private writeTargets(job: string): void {
    const file = join(this.dir, 'targets', `${job}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify([{ targets: [...(this.targets.get(job) ?? [])] }]));
    renameSync(`${file}.tmp`, file);
  }

  /** Scrapes `address` under `job` (one of the shipped prometheus.yml's jobs). */
  addTarget(job: string, address: string): void {
    const set = this.targets.get(job);
    if (!set) throw new Error(`prometheus.yml has no job ${job}`);
    set.add(address);
    this.writeTargets(job);
  }

  removeTarget(job: string, address: string): void {
    this.targets.get(job)?.delete(address);
    this.writeTargets(job);
  }

  /** How many series `expr` returns now. */
  async seriesCount(expr: string): Promise<number> {
    const result = await instantQuery(this.prometheusUrl, expr);
    if (result.status !== 'success') throw new Error(`${result.error}: ${expr}`);
    return result.data?.result.length ?? 0;
  }

  /** The first firing notification of `alertname` for `key` (its instance or service_name) since `since`. */
  firingSince(alertname: string, key: string, since: number): AlertArrival | undefined {
    return this.arrivals.find(
      (a) =>
        a.alertname === alertname &&
        (a.instance === key || a.service === key) &&
        a.status === 'firing' &&
        a.at >= since,
    );
  }

  async waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Starts a helper process (an exporter) that stop() ends. */
  spawn(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    this.children.push(child);
    return child;
  }

  /** Runs `cleanup` in stop(), before the stack's directory is removed. */
  onStop(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async stop(): Promise<void> {
    await Promise.all(this.cleanups.map((cleanup) => cleanup()));
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      this.children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    await new Promise((resolve) => this.webhook.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
