// The critical faults alert-latency tests can cause on this machine, each on a fresh scrape
// target (a new instance label, so that every trial is its own Alertmanager group): the shared
// PostgreSQL and Redis behind a closable TCP proxy their Debian exporter connects through, the
// shared Elasticsearch behind a closable HTTP proxy for the Debian elasticsearch exporter, and a
// real gateway process scraped (as job otelgate) through a TCP proxy; a dedicated Kafka node
// whose JMX exporter agent is scraped as job kafka (alert-kafka-broker.ts); and an error burst: an
// app instrumented with @otelgate/node sends its spans to a real gateway running the errorburst
// processor (posting to the stack's Alertmanager), and its routes start throwing.
import { ClosableProxy } from '../support/closable-proxy.ts';
import { ClosableTcpProxy } from '../support/closable-tcp-proxy.ts';
import { freePort } from '../support/free-port.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { AppProcess } from '../instrumentation/support/app-process.ts';
import { kafkaBrokerTarget } from './alert-kafka-broker.ts';
import type { AlertLatencyStack } from './alert-latency-stack.ts';
import { sharedServiceValue } from './shared-service.ts';

export const faultKinds = ['postgres', 'redis', 'kafka', 'elasticsearch', 'otelgate', 'error-burst'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The critical alert each fault must raise. */
export const alertOf: Record<FaultKind, string> = {
  postgres: 'PostgresDown',
  redis: 'RedisDown',
  kafka: 'KafkaBrokersDown',
  elasticsearch: 'ElasticsearchDown',
  otelgate: 'OtelgateDown',
  'error-burst': 'ServiceErrorBurst',
};

export interface FaultTarget {
  kind: FaultKind;
  /** The instance label of the scrape target (and so of the alert), or the service_name of an application alert. */
  instance: string;
  /** A series that is 1 while healthy and 0 (or absent for `up`) once the fault is seen. */
  health?: string;
  /** For targets Prometheus does not scrape: resolves once healthy, and says whether a blip happened. */
  ready?(): Promise<void>;
  blipSeen?(): boolean;
  /** Causes the fault and leaves it in place. */
  fault(): Promise<void>;
  /** Causes the fault for `ms`, then repairs it. */
  blip(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

async function proxied(
  stack: AlertLatencyStack,
  kind: 'postgres' | 'redis',
  proxy: ClosableTcpProxy,
): Promise<FaultTarget> {
  const port = await freePort();
  const instance = `127.0.0.1:${port}`;
  if (kind === 'postgres') {
    const pg = new URL(sharedServiceValue('postgres', 'PG_URL'));
    pg.host = proxy.address;
    pg.searchParams.set('sslmode', 'disable');
    stack.spawn('prometheus-postgres-exporter', [`--web.listen-address=${instance}`], {
      DATA_SOURCE_NAME: pg.toString(),
    });
  } else {
    stack.spawn('prometheus-redis-exporter', [
      `-redis.addr=redis://${proxy.address}`,
      `-web.listen-address=${instance}`,
    ]);
  }
  stack.addTarget(kind, instance);
  const metric = kind === 'postgres' ? 'pg_up' : 'redis_up';
  return {
    kind,
    instance,
    health: `${metric}{instance="${instance}"}`,
    fault: () => proxy.close(),
    async blip(ms) {
      await proxy.close();
      await sleep(ms);
      await proxy.open();
    },
    async stop() {
      stack.removeTarget(kind, instance);
      await proxy.close();
    },
  };
}

/** Starts what `kind` needs and registers it with Prometheus; healthy once `health` is 1. */
export async function startFaultTarget(stack: AlertLatencyStack, kind: FaultKind): Promise<FaultTarget> {
  if (kind === 'postgres') {
    const { host, port } = hostPort(sharedServiceValue('postgres', 'PG_URL'));
    return proxied(stack, kind, await ClosableTcpProxy.start(host, port));
  }
  if (kind === 'redis') {
    const { host, port } = hostPort(sharedServiceValue('redis', 'REDIS_URL'));
    return proxied(stack, kind, await ClosableTcpProxy.start(host, port));
  }
  if (kind === 'elasticsearch') {
    const proxy = await ClosableProxy.start(sharedServiceValue('elasticsearch', 'ES_URL'));
    const instance = `127.0.0.1:${await freePort()}`;
    stack.spawn('prometheus-elasticsearch-exporter', [`--es.uri=${proxy.url}`, `--web.listen-address=${instance}`]);
    stack.addTarget('elasticsearch', instance);
    return {
      kind,
      instance,
      health: `elasticsearch_cluster_health_up{instance="${instance}"}`,
      fault: () => proxy.close(),
      async blip(ms) {
        await proxy.close();
        await sleep(ms);
        await proxy.open();
      },
      async stop() {
        stack.removeTarget('elasticsearch', instance);
        await proxy.close();
      },
    };
  }
  if (kind === 'kafka') return kafkaBrokerTarget(stack);
  if (kind === 'error-burst') return errorBurst(stack);
  const gateway = await startGatewayProcess({ config: { log: { level: 'warn' } }, env: { LOG_LEVEL: 'warn' } });
  const admin = hostPort(gateway.adminUrl);
  const proxy = await ClosableTcpProxy.start(admin.host, admin.port);
  stack.addTarget('otelgate', proxy.address);
  return {
    kind,
    instance: proxy.address,
    health: `up{job="otelgate", instance="${proxy.address}"}`,
    // Stopped hard: the process is gone at once, as after a crash or an OOM kill.
    fault: async () => {
      await gateway.kill('SIGKILL');
    },
    async blip(ms) {
      await proxy.close();
      await sleep(ms);
      await proxy.open();
    },
    async stop() {
      stack.removeTarget('otelgate', proxy.address);
      await proxy.close();
      await gateway.kill('SIGKILL');
    },
  };
}

/** The exceptions-app fixture at 20 requests/s to a real gateway with the errorburst processor. */
async function errorBurst(stack: AlertLatencyStack): Promise<FaultTarget> {
  const service = `burst-${Math.random().toString(36).slice(2, 8)}`;
  const gateway = await startGatewayProcess({
    config: {
      log: { level: 'warn' },
      // Its own `stack`: PostgresDown and RedisDown, failing in the same round, inhibit
      // ServiceErrorBurst of their stack (alertmanager.yml), as they should in production.
      processors: { errorburst: { alertmanagerUrl: stack.alertmanagerUrl, labels: { stack: 'error-burst-test' } } },
      pipelines: { traces: { processors: ['errorburst'], exporters: ['file'] } },
    },
    env: { LOG_LEVEL: 'warn' },
  });
  // The SDK's default batch delay (5 s), as applications ship.
  const app = new AppProcess('test/instrumentation/fixtures/exceptions-app.ts', {
    OTEL_EXPORTER_OTLP_ENDPOINT: gateway.httpUrl,
    OTEL_SERVICE_NAME: service,
    OTEL_METRICS_EXPORTER: 'none',
  });
  const [, port] = await app.waitForOutput(/EXPRESS port=(\d+)/);
  let route = 'ok';
  let failed = 0;
  const traffic = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/express/${route}?id=load`).then(
      (response) => {
        if (response.status === 500) failed++;
      },
      () => undefined,
    );
  }, 50);
  return {
    kind: 'error-burst',
    instance: service,
    async ready() {
      await stack.waitFor(
        'the app answering',
        async () => ((await fetch(`http://127.0.0.1:${port}/express/ok`)).ok ? true : undefined),
        30_000,
      );
    },
    blipSeen: () => failed > 0,
    async fault() {
      route = 'sync';
    },
    async blip(ms) {
      route = 'sync';
      await sleep(ms);
      route = 'ok';
    },
    async stop() {
      clearInterval(traffic);
      await app.stop();
      await gateway.kill('SIGKILL');
    },
  };
}

/** Waits until Prometheus has scraped the target healthy three times in a row. */
export async function waitHealthy(stack: AlertLatencyStack, target: FaultTarget): Promise<void> {
  if (target.ready) return target.ready();
  await stack.waitFor(
    `${target.kind} ${target.instance} healthy`,
    async () => {
      const expr = `count_over_time(${target.health}[15s]) >= 3 and min_over_time(${target.health}[15s]) == 1`;
      return (await stack.seriesCount(expr)) > 0 ? true : undefined;
    },
    90_000,
  );
}

/** Causes the fault and returns seconds from the fault to the firing notification. */
export async function measureFault(stack: AlertLatencyStack, target: FaultTarget, timeoutMs = 90_000): Promise<number> {
  const start = Date.now();
  await target.fault();
  const arrival = await stack.waitFor(
    `${alertOf[target.kind]} for ${target.instance}`,
    async () => stack.firingSince(alertOf[target.kind], target.instance, start),
    timeoutMs,
  );
  return (arrival.at - start) / 1000;
}

/**
 * A blip of `ms`, then a watch long enough for any alert it could raise to arrive. Returns the
 * notifications for the target (none expected) and whether Prometheus saw the blip at all.
 */
export async function watchBlip(
  stack: AlertLatencyStack,
  target: FaultTarget,
  ms: number,
  watchMs: number,
): Promise<{ notified: number; seen: boolean }> {
  const start = Date.now();
  await target.blip(ms);
  await sleep(Math.max(0, start + watchMs - Date.now()));
  const window = Math.ceil((Date.now() - start) / 1000);
  const seen = target.blipSeen
    ? target.blipSeen()
    : (await stack.seriesCount(`min_over_time(${target.health}[${window}s]) == 0`)) > 0;
  const notified = stack.arrivals.filter(
    (a) => (a.instance === target.instance || a.service === target.instance) && a.at >= start,
  ).length;
  return { notified, seen };
}
