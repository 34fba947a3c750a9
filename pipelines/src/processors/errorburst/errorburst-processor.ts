// Raises a critical alert for a service whose requests start failing, from the spans the process
// role already sees, straight to Alertmanager's API: within the 30 s budget where the Prometheus
// path (spanmetrics flush, remote write, rate over two samples, `for:`) cannot be
// (docs/OPERATIONS.md, "Critical alert latency"). Server and consumer spans are counted per
// service and per second they ended; once a second is `lagSeconds` old it is judged; the alert
// fires when the last `sustainSeconds` judged seconds were failing (burst-window.ts), is re-sent
// every `resendSeconds` while firing, and resolves `keepFiringSeconds` after the last failing window.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { SpanKind, StatusCode, type TracesData } from '@otelgate/pipelines/model/traces.ts';
import type { Logger } from 'pino';
import { REPEATED_KEY } from '../errors/trace-errors.ts';
import { findAttribute, scalarString } from '../resource-identity.ts';
import { ServiceSeconds } from './burst-window.ts';
import type { ErrorburstConfig } from './config.ts';
import type { ErrorburstMetrics } from './metrics.ts';

export const ALERT_NAME = 'ServiceErrorBurst';

interface Firing {
  startsAt: Date;
  lastFailingMs: number;
  lastSentMs: number;
  share: number;
}

export class ErrorburstProcessor implements Processor {
  readonly name: string;
  readonly signals = ['traces'] as const;
  private readonly services = new Map<string, ServiceSeconds>();
  private readonly firing = new Map<string, Firing>();
  private readonly timer: NodeJS.Timeout;
  private readonly config: ErrorburstConfig;
  private readonly logger: Logger;
  private readonly metrics: ErrorburstMetrics;

  constructor(name: string, config: ErrorburstConfig, logger: Logger, metrics: ErrorburstMetrics) {
    this.name = name;
    this.config = config;
    this.logger = logger;
    this.metrics = metrics;
    this.timer = setInterval(() => this.evaluate(Date.now()), 1_000);
    this.timer.unref();
  }

  process<S extends Signal>(signal: S, data: SignalData[S], _ctx: RecordContext): SignalData[S] {
    if (signal !== 'traces') return data;
    // Seconds already judged, or too far ahead to be a clock: not counted.
    const now = Math.floor(Date.now() / 1000);
    const oldest = now - this.config.lagSeconds - this.config.sustainSeconds;
    for (const rs of (data as TracesData).resourceSpans) {
      const service = scalarString(findAttribute(rs.resource.attributes, 'service.name')) ?? 'unknown_service';
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          if (span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CONSUMER) continue;
          const second = Number(span.endTimeUnixNano / 1_000_000_000n);
          if (second < oldest || second > now + 60) continue;
          let seconds = this.services.get(service);
          if (!seconds) {
            seconds = new ServiceSeconds();
            this.services.set(service, seconds);
          }
          const repeated = findAttribute(span.attributes, REPEATED_KEY);
          const error =
            span.status.code === StatusCode.ERROR && !(repeated && 'boolValue' in repeated && repeated.boolValue);
          seconds.add(second, error);
        }
      }
    }
    return data;
  }

  /** Judges the window that just became complete; exported for tests that drive the clock. */
  evaluate(nowMs: number): void {
    const to = Math.floor(nowMs / 1000) - this.config.lagSeconds;
    const from = to - this.config.sustainSeconds;
    for (const [service, seconds] of this.services) {
      const { failing, share } = seconds.failing(from, to, this.config);
      const firing = this.firing.get(service);
      if (failing && !firing) {
        const state = { startsAt: new Date(nowMs), lastFailingMs: nowMs, lastSentMs: nowMs, share };
        this.firing.set(service, state);
        this.metrics.firing.add(1);
        this.logger.warn({ service, errorShare: share }, 'error burst: alert firing');
        void this.send(service, state, nowMs);
      } else if (firing) {
        if (failing) {
          firing.lastFailingMs = nowMs;
          firing.share = share;
        }
        if (nowMs - firing.lastFailingMs > this.config.keepFiringSeconds * 1000) {
          this.firing.delete(service);
          this.metrics.firing.add(-1);
          this.logger.info({ service }, 'error burst: alert resolved');
          void this.send(service, firing, nowMs, new Date(nowMs));
        } else if (nowMs - firing.lastSentMs >= this.config.resendSeconds * 1000) {
          firing.lastSentMs = nowMs;
          void this.send(service, firing, nowMs);
        }
      }
      if (seconds.prune(from) && !this.firing.has(service)) this.services.delete(service);
    }
  }

  private async send(service: string, state: Firing, nowMs: number, resolvedAt?: Date): Promise<void> {
    const endsAt = resolvedAt ?? new Date(nowMs + 4 * this.config.resendSeconds * 1000);
    const alert = {
      labels: {
        ...this.config.labels,
        alertname: ALERT_NAME,
        severity: 'critical',
        component: 'application',
        service_name: service,
      },
      annotations: {
        summary: `${service} fails ${(state.share * 100).toFixed(0)}% of its requests`,
        description: `More than ${this.config.threshold * 100}% of the requests and jobs handled by ${service} ended in error in every second of the last ${this.config.sustainSeconds} s (raised by the otelgate errorburst processor).`,
        runbook:
          'Open the Service RED dashboard for the service to see which routes fail, then the Kibana "Error analysis" dashboard filtered on the service. Recent deploys are the usual cause; roll back if one lines up.',
      },
      startsAt: state.startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    };
    try {
      const response = await fetch(new URL('/api/v2/alerts', this.config.alertmanagerUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert]),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`Alertmanager answered ${response.status}: ${await response.text()}`);
      this.metrics.notifications.add(1, { outcome: 'sent' });
    } catch (error) {
      this.metrics.notifications.add(1, { outcome: 'failed' });
      this.logger.warn(
        { service, err: error },
        'error burst: alert not delivered to Alertmanager (re-sent while firing)',
      );
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
  }
}
