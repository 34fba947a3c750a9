import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoPath } from './deploy-paths.ts';

// Monitoring coverage of the compose stack, read from the shipped files: every service in
// docker-compose.yml has its metrics scraped by deploy/prometheus/prometheus.yml (itself, or
// through an exporter that is scraped and points at it, or by pushing OTLP metrics to the
// gateway), and its container logs shipped by otelgate-logs (deploy/otelgate/logs.yaml follows
// Docker's json-file logs). A service that cannot be covered is listed below with the reason.

interface ComposeService {
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | null>;
  volumes?: (string | { source?: string; target: string })[];
  logging?: { driver?: string };
}

const compose = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const prometheus = parse(readFileSync(repoPath('deploy/prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
};
const logsConfig = parse(readFileSync(repoPath('deploy/otelgate/logs.yaml'), 'utf8')) as {
  receivers: { filelog?: { include: string[] } };
};

/** Services whose metrics cannot be scraped, and why. Each must really be uncovered. */
const metricsExempt: Record<string, string> = {
  kibana:
    'Kibana has no Prometheus endpoint (its /api/status is JSON) and no exporter is packaged; compose restarts it on a failing healthcheck, and it is a UI off the data path',
  'kibana-setup': 'a one-shot job that imports the saved objects and exits: nothing runs to scrape',
};
/** Services whose logs are not shipped, and why. */
const logsExempt: Record<string, string> = {};

const services = Object.keys(compose.services);

/** Host names Prometheus scrapes (`localhost` in its own job is the prometheus service). */
const scrapedHosts = new Set(
  prometheus.scrape_configs.flatMap((job) =>
    (job.static_configs ?? []).flatMap((c) =>
      c.targets.map((target) => {
        const host = target.split(':')[0];
        return host === 'localhost' && job.job_name === 'prometheus' ? 'prometheus' : host;
      }),
    ),
  ),
);

/** The services a service's command, entrypoint and environment point at (`name:port`, `//name`). */
function pointsAt(name: string): string[] {
  const service = compose.services[name];
  const text = JSON.stringify([service.command, service.entrypoint, service.environment]);
  return services.filter((other) => other !== name && new RegExp(`(^|[^a-z0-9-])${other}(:\\d+|["/])`).test(text));
}

function metricsCoveredBy(name: string): string | undefined {
  if (scrapedHosts.has(name)) return 'scraped';
  const exporter = [...scrapedHosts].find((host) => compose.services[host] && pointsAt(host).includes(name));
  if (exporter) return `through ${exporter}`;
  const otlp = String(compose.services[name].environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '');
  const gateway = /\/\/([a-z0-9-]+):/.exec(otlp)?.[1];
  if (gateway && scrapedHosts.has(gateway)) return `pushes OTLP metrics to ${gateway}`;
  return undefined;
}

/** The service running the filelog receiver, and the folder of container logs it mounts. */
function logShipper(): { service: string; include: string[] } | undefined {
  const include = logsConfig.receivers.filelog?.include ?? [];
  const service = services.find((name) =>
    JSON.stringify(compose.services[name].command ?? '').includes('/etc/otelgate/logs.yaml'),
  );
  if (!service) return undefined;
  const mounts = (compose.services[service].volumes ?? []).map((v) =>
    typeof v === 'string' ? (v.split(':')[1] ?? '') : v.target,
  );
  return { service, include: include.filter((glob) => mounts.some((m) => glob.startsWith(`${m}/`))) };
}

function globMatches(glob: string, path: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${pattern}$`).test(path);
}

function logsShipped(name: string): boolean {
  const shipper = logShipper();
  const driver = compose.services[name].logging?.driver ?? 'json-file';
  // Where Docker's json-file driver writes a container's log.
  const path = '/var/lib/docker/containers/0123abcd/0123abcd-json.log';
  return driver === 'json-file' && !!shipper && shipper.include.some((glob) => globMatches(glob, path));
}

describe('monitoring coverage of docker-compose.yml', () => {
  it('scrapes the metrics of every service, itself or through an exporter, except the listed exemptions', () => {
    const uncovered = services.filter((name) => !metricsCoveredBy(name) && !metricsExempt[name]);
    expect(uncovered, 'services whose metrics nobody scrapes').toEqual([]);
    // The exporters really are what covers the backends.
    expect(metricsCoveredBy('postgres')).toBe('through postgres-exporter');
    expect(metricsCoveredBy('redis')).toBe('through redis-exporter');
    expect(metricsCoveredBy('kafka')).toBe('through kafka-exporter');
    expect(metricsCoveredBy('elasticsearch')).toBe('through elasticsearch-exporter');
    expect(metricsCoveredBy('example-api')).toBe('pushes OTLP metrics to otelgate-ingest');
  });

  it('ships the container logs of every service through the filelog receiver of otelgate-logs', () => {
    expect(logShipper()?.service).toBe('otelgate-logs');
    expect(logShipper()?.include.length).toBeGreaterThan(0);
    const unshipped = services.filter((name) => !logsShipped(name) && !logsExempt[name]);
    expect(unshipped, 'services whose logs are not shipped').toEqual([]);
  });

  it('keeps exemptions honest: each names a service that exists and is really uncovered, with a reason', () => {
    for (const [name, reason] of Object.entries(metricsExempt)) {
      expect(services, name).toContain(name);
      expect(metricsCoveredBy(name), `${name} is covered: drop its exemption`).toBeUndefined();
      expect(reason.length).toBeGreaterThan(20);
    }
    for (const [name, reason] of Object.entries(logsExempt)) {
      expect(services, name).toContain(name);
      expect(logsShipped(name), `${name} is shipped: drop its exemption`).toBe(false);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('names a service that nothing scrapes and one whose logging driver bypasses the log files', () => {
    compose.services['unwatched-cache'] = { command: ['memcached'] };
    compose.services['syslog-only'] = { logging: { driver: 'syslog' } };
    try {
      expect(metricsCoveredBy('unwatched-cache')).toBeUndefined();
      expect(logsShipped('syslog-only')).toBe(false);
      expect(logsShipped('unwatched-cache')).toBe(true);
    } finally {
      delete compose.services['unwatched-cache'];
      delete compose.services['syslog-only'];
    }
  });
});
