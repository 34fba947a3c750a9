// Acknowledging an alert: a silence in Alertmanager matching the alert's labels (so neither its
// repeats nor its escalation are sent while it lasts), and an `alert.acknowledged` record in the
// alert history, appended through ingest like the receiver's records.
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import type { SubmitLogs } from '../receivers/logs/submit-logs.ts';
import { acknowledgementRecord, alertHistoryLogs } from '../receivers/alertmanager/alert-records.ts';
import { createSilence, findAlert } from './alertmanager-api.ts';

export interface AckRequest {
  fingerprint: string;
  by: string;
  note: string;
  /** Overrides the configured silence length. */
  minutes?: number;
}

export interface AckResult {
  fingerprint: string;
  alertname: string;
  silenceId: string;
  silencedUntil: string;
}

export interface Acknowledger {
  acknowledge(request: AckRequest): Promise<AckResult>;
}

export function createAcknowledger(options: {
  alertmanagerUrl: string;
  silenceMinutes: number;
  tenant: string;
  submit: SubmitLogs;
}): Acknowledger {
  return {
    async acknowledge(request) {
      const alert = await findAlert(options.alertmanagerUrl, request.fingerprint);
      if (!alert)
        throw new OtelgateError(
          'not-found',
          `Alertmanager has no active alert with fingerprint ${request.fingerprint}`,
        );
      const now = Date.now();
      const until = new Date(now + (request.minutes ?? options.silenceMinutes) * 60_000);
      const alertname = alert.labels.alertname ?? '';
      const silenceId = await createSilence(options.alertmanagerUrl, {
        matchers: Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
        startsAt: new Date(now).toISOString(),
        endsAt: until.toISOString(),
        createdBy: request.by,
        comment: request.note ? `acknowledged: ${request.note}` : `acknowledged by ${request.by}`,
      });
      const record = acknowledgementRecord({
        fingerprint: alert.fingerprint,
        labels: alert.labels,
        startsAt: alert.startsAt,
        by: request.by,
        note: request.note,
        silenceId,
        silencedUntil: until.toISOString(),
        timeUnixNano: BigInt(now) * 1_000_000n,
      });
      try {
        await options.submit(encodeLogs(alertHistoryLogs([record], options.alertmanagerUrl)), {
          transport: 'alertmanager',
          tenant: options.tenant,
        });
      } catch (error) {
        const failure = error instanceof OtelgateError ? error : undefined;
        throw new OtelgateError(
          failure?.retryable === false ? 'internal' : 'unavailable',
          `silence ${silenceId} was created, but the acknowledgement could not be recorded in the history: ${(error as Error).message}`,
        );
      }
      return { fingerprint: alert.fingerprint, alertname, silenceId, silencedUntil: until.toISOString() };
    },
  };
}
