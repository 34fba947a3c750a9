// The Helm chart (deploy/helm/otelgate): `helm lint` and `helm template` with the default values
// and every value set under ci/, what the rendered objects promise, and that the rendered
// gateway config passes `otelgate validate`. helm is built from the Go module proxy on first use
// (scripts/install-helm.sh, cached in ~/.cache/otelgate/bin).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoPath } from './deploy-paths.ts';
import { runTool } from './run-tool.ts';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const CHART = repoPath('deploy/helm/otelgate');
const VALUE_SETS = ['default', ...readdirSync(join(CHART, 'ci')).map((file) => file.replace(/-values\.yaml$/, ''))];
const valuesArgs = (set: string) => (set === 'default' ? [] : ['--values', join(CHART, 'ci', `${set}-values.yaml`)]);
const dir = mkdtempSync(join(tmpdir(), 'otelgate-helm-'));
let helm = '';
const rendered = new Map<string, K8sObject[]>();

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);
const container = (deployment: K8sObject | undefined) => deployment?.spec.template.spec.containers[0];

beforeAll(async () => {
  const install = await runTool('bash', [repoPath('scripts/install-helm.sh')], { timeoutMs: 1_500_000 });
  expect(install.code, install.stderr).toBe(0);
  helm = install.stdout.trim();
  for (const set of VALUE_SETS) {
    const result = await runTool(helm, ['template', 'gw', CHART, '--namespace', 'telemetry', ...valuesArgs(set)]);
    expect(result.code, `${set}: ${result.stderr}`).toBe(0);
    rendered.set(
      set,
      parseAllDocuments(result.stdout)
        .map((document) => document.toJS() as K8sObject)
        .filter(Boolean),
    );
  }
}, 1_560_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deploy/helm/otelgate', () => {
  it.each(VALUE_SETS)('passes helm lint --strict with the %s values', async (set) => {
    const result = await runTool(helm, ['lint', '--strict', CHART, ...valuesArgs(set)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it.each(VALUE_SETS)('renders a config that otelgate validate accepts, with the %s values', async (set) => {
    const objects = rendered.get(set) ?? [];
    const config = find(objects, 'ConfigMap', 'gw-otelgate-config')?.data?.['otelgate.yaml'];
    expect(config).toBeDefined();
    const file = join(dir, `${set}.yaml`);
    writeFileSync(file, config ?? '');
    // The environment the pods get from the Secret (or, for an existing Secret, what it must hold).
    const secret = find(objects, 'Secret', 'gw-otelgate-secrets')?.stringData ?? {
      OTELGATE_API_KEY_0: 'a-key-from-the-existing-secret',
      OTELGATE_ADMIN_TOKEN: '',
    };
    const result = await runTool(process.execPath, [repoPath('gateway/src/cli.ts'), 'validate', '--config', file], {
      env: { PATH: process.env.PATH, ...secret },
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
  });

  it('runs ingest behind a Service with an HPA on CPU, and workers on an HPA on consumer lag', () => {
    const objects = rendered.get('default') ?? [];
    const ingest = find(objects, 'Deployment', 'gw-otelgate-ingest');
    expect(container(ingest).args).toEqual(['start', '--config', '/etc/otelgate/otelgate.yaml', '--role', 'ingest']);
    const service = find(objects, 'Service', 'gw-otelgate');
    expect(service?.spec.ports.map((port: { port: number }) => port.port)).toEqual([4317, 4318]);
    expect(service?.spec.selector).toEqual(ingest?.spec.selector.matchLabels);
    const ingestHpa = find(objects, 'HorizontalPodAutoscaler', 'gw-otelgate-ingest');
    expect(ingestHpa?.spec.metrics[0].resource).toEqual({
      name: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    });
    // With an HPA, the Deployment leaves replicas to it (else every upgrade resets them).
    expect(ingest?.spec.replicas).toBeUndefined();

    const worker = find(objects, 'Deployment', 'gw-otelgate-worker');
    expect(container(worker).args.at(-1)).toBe('process');
    const workerHpa = find(objects, 'HorizontalPodAutoscaler', 'gw-otelgate-worker');
    expect(workerHpa?.spec.metrics[0].external.metric.name).toBe('otelgate_kafka_consumer_lag');
    expect(workerHpa?.spec.metrics[0].external.target).toEqual({ type: 'AverageValue', averageValue: '10000' });
    expect(find(objects, 'ScaledObject', 'gw-otelgate-worker')).toBeUndefined();
  });

  it("keeps the workers' crash marks on a writable volume that outlives a container restart (the root file system is read-only)", () => {
    for (const set of VALUE_SETS) {
      const objects = rendered.get(set) ?? [];
      const config = parseAllDocuments(
        find(objects, 'ConfigMap', 'gw-otelgate-config')?.data?.['otelgate.yaml'] ?? '',
      )[0].toJS();
      const worker = find(objects, 'Deployment', 'gw-otelgate-worker')?.spec.template.spec;
      expect(worker.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      const dir: string = config.process.quarantine.dir;
      const mount = worker.containers[0].volumeMounts.find((m: { mountPath: string }) =>
        dir.startsWith(`${m.mountPath}/`),
      );
      expect(mount, set).toBeDefined();
      expect(mount.readOnly).toBeFalsy();
      expect(worker.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir).toEqual({});
    }
  });

  it('probes /healthz for liveness and /readyz for readiness on the admin port, never exposed on the OTLP Service', () => {
    for (const deployment of ['gw-otelgate-ingest', 'gw-otelgate-worker']) {
      const spec = container(find(rendered.get('default') ?? [], 'Deployment', deployment));
      expect(spec.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
      expect(spec.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
      expect(spec.ports.find((port: { name: string }) => port.name === 'admin').containerPort).toBe(13133);
    }
  });

  it('sizes memory and the V8 heap per role, with the heap cap under the memory limit', () => {
    const objects = rendered.get('default') ?? [];
    const mib = (quantity: string) => Number.parseInt(quantity, 10) * (quantity.endsWith('Gi') ? 1024 : 1);
    for (const [deployment, semiSpace] of [
      ['gw-otelgate-ingest', 4],
      ['gw-otelgate-worker', 8],
    ] as const) {
      const spec = container(find(objects, 'Deployment', deployment));
      const nodeOptions = spec.env.find((variable: { name: string }) => variable.name === 'NODE_OPTIONS').value;
      expect(nodeOptions).toContain(`--max-semi-space-size=${semiSpace}`);
      const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
      expect(oldSpace).toBeLessThan(mib(spec.resources.limits.memory));
      expect(mib(spec.resources.requests.memory)).toBeLessThanOrEqual(mib(spec.resources.limits.memory));
    }
  });

  it('takes API keys from the Secret through the environment, never writing them into the ConfigMap', () => {
    const objects = rendered.get('keda') ?? [];
    const config = find(objects, 'ConfigMap', 'gw-otelgate-config')?.data?.['otelgate.yaml'] ?? '';
    const secret = find(objects, 'Secret', 'gw-otelgate-secrets')?.stringData ?? {};
    expect(Object.keys(secret).sort()).toEqual(['OTELGATE_ADMIN_TOKEN', 'OTELGATE_API_KEY_0', 'OTELGATE_API_KEY_1']);
    for (const value of Object.values(secret)) expect(config).not.toContain(value);
    expect(config).toContain('${env:OTELGATE_API_KEY_1}');
    const pod = find(objects, 'Deployment', 'gw-otelgate-ingest')?.spec.template;
    expect(pod.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'gw-otelgate-secrets' } }]);
    expect(pod.metadata.annotations['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    // An existing Secret: the chart makes none and the pods read that one.
    const minimal = rendered.get('minimal') ?? [];
    expect(minimal.some((object) => object.kind === 'Secret')).toBe(false);
    expect(container(find(minimal, 'Deployment', 'gw-otelgate-worker')).envFrom[0].secretRef.name).toBe(
      'otelgate-keys',
    );
  });

  it('scales workers with a KEDA ScaledObject on the Kafka group instead of the HPA when asked', () => {
    const objects = rendered.get('keda') ?? [];
    const scaled = find(objects, 'ScaledObject', 'gw-otelgate-worker');
    expect(scaled?.spec.scaleTargetRef.name).toBe('gw-otelgate-worker');
    expect(scaled?.spec.triggers[0]).toMatchObject({
      type: 'kafka',
      metadata: {
        bootstrapServers: 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092',
        consumerGroup: 'otelgate-prod',
        lagThreshold: '5000',
      },
    });
    expect(find(objects, 'HorizontalPodAutoscaler', 'gw-otelgate-worker')).toBeUndefined();
    expect(find(objects, 'Deployment', 'gw-otelgate-worker')?.spec.replicas).toBeUndefined();
  });

  it("keeps a disruption budget per role, and a ServiceMonitor on both roles' admin port", () => {
    const objects = rendered.get('default') ?? [];
    expect(find(objects, 'PodDisruptionBudget', 'gw-otelgate-ingest')?.spec.minAvailable).toBe(1);
    expect(find(objects, 'PodDisruptionBudget', 'gw-otelgate-worker')?.spec.maxUnavailable).toBe(1);
    const monitor = find(objects, 'ServiceMonitor', 'gw-otelgate');
    const metricsService = find(objects, 'Service', 'gw-otelgate-metrics');
    expect(metricsService?.metadata.labels).toMatchObject(monitor?.spec.selector.matchLabels ?? { missing: true });
    expect(monitor?.spec.endpoints).toEqual([{ port: 'admin', path: '/metrics', interval: '3s' }]);
    expect(metricsService?.spec.selector).not.toHaveProperty('app.kubernetes.io/component');
  });

  it('renders fixed replicas and no autoscalers, budgets or monitors when those are off', () => {
    const objects = rendered.get('minimal') ?? [];
    expect(find(objects, 'Deployment', 'gw-otelgate-ingest')?.spec.replicas).toBe(3);
    expect(find(objects, 'Deployment', 'gw-otelgate-worker')?.spec.replicas).toBe(1);
    for (const kind of ['HorizontalPodAutoscaler', 'ScaledObject', 'ServiceMonitor']) {
      expect(objects.filter((object) => object.kind === kind)).toEqual([]);
    }
    expect(objects.filter((object) => object.kind === 'PodDisruptionBudget').map((pdb) => pdb.metadata.name)).toEqual([
      'gw-otelgate-worker',
    ]);
    expect(find(objects, 'Service', 'gw-otelgate')?.spec.type).toBe('LoadBalancer');
  });

  it('gives pods the shutdown grace period of the config plus time to exit', () => {
    const tuned = find(rendered.get('tuned') ?? [], 'Deployment', 'gw-otelgate-worker')?.spec.template.spec;
    expect(tuned.terminationGracePeriodSeconds).toBe(70);
    expect(tuned.containers[0].image).toBe('registry.example.com/otelgate:0.1.0-rc1');
    const defaults = find(rendered.get('default') ?? [], 'Deployment', 'gw-otelgate-ingest')?.spec.template.spec;
    expect(defaults.terminationGracePeriodSeconds).toBe(40);
    expect(defaults.containers[0].image).toBe('otelgate:0.1.0');
  });
});
