// One webhook notification -> one log record per alert in it, each a state change (firing or
// resolved) of one alert. A record's fields are those of the state change only (a firing
// record leaves out the moving `endsAt`; times are the alert's, not the notification's), so
// Alertmanager repeating a notification yields the same document, which the Elasticsearch
// exporter's content-derived `_id` stores once.
import { ALERT_EVENTS, ALERT_HISTORY_SCOPE } from '@otelgate/pipelines/model/alert-history.ts';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { WebhookAlert, WebhookPayload } from './webhook-payload.ts';

const SEVERITY = { info: 9, warn: 13, error: 17 } as const;

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function nanos(iso: string): bigint | undefined {
  const ms = Date.parse(iso);
  // Alertmanager's zero time (0001-01-01) means "no end known".
  return Number.isFinite(ms) && ms > 0 ? BigInt(ms) * 1_000_000n : undefined;
}

function severityOf(alert: WebhookAlert): { number: number; text: string } {
  if (alert.status === 'resolved') return { number: SEVERITY.info, text: 'INFO' };
  return alert.labels.severity === 'critical'
    ? { number: SEVERITY.error, text: 'ERROR' }
    : { number: SEVERITY.warn, text: 'WARN' };
}

export function alertRecord(alert: WebhookAlert, payload: WebhookPayload): LogRecord {
  const startsAt = nanos(alert.startsAt) ?? 0n;
  const endsAt = alert.status === 'resolved' ? nanos(alert.endsAt) : undefined;
  const time = endsAt ?? startsAt;
  const name = alert.labels.alertname ?? '';
  const attributes: KeyValue[] = [
    str('alert.status', alert.status),
    str('alert.name', name),
    str('alert.fingerprint', alert.fingerprint),
    str('alert.starts_at', new Date(Number(startsAt / 1_000_000n)).toISOString()),
    str('alert.receiver', payload.receiver),
    str('alert.group_key', payload.groupKey),
  ];
  if (alert.labels.severity) attributes.push(str('alert.severity', alert.labels.severity));
  if (endsAt !== undefined) {
    attributes.push(str('alert.ends_at', new Date(Number(endsAt / 1_000_000n)).toISOString()));
    attributes.push({ key: 'alert.duration_seconds', value: { doubleValue: Number(endsAt - startsAt) / 1e9 } });
  }
  if (alert.generatorURL) attributes.push(str('alert.generator_url', alert.generatorURL));
  for (const [key, value] of Object.entries(alert.labels)) attributes.push(str(`alert.labels.${key}`, value));
  for (const [key, value] of Object.entries(alert.annotations)) attributes.push(str(`alert.annotations.${key}`, value));
  const severity = severityOf(alert);
  const summary = alert.annotations.summary ? `: ${alert.annotations.summary}` : '';
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: severity.number,
    severityText: severity.text,
    body: { stringValue: `[${alert.status.toUpperCase()}] ${name}${summary}` },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: alert.status === 'firing' ? ALERT_EVENTS.firing : ALERT_EVENTS.resolved,
  };
}

export interface Acknowledgement {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  by: string;
  note: string;
  silenceId: string;
  silencedUntil: string;
  timeUnixNano: bigint;
}

/** The `alert.acknowledged` record `otelgate alerts ack` writes. */
export function acknowledgementRecord(ack: Acknowledgement): LogRecord {
  const name = ack.labels.alertname ?? '';
  const attributes: KeyValue[] = [
    str('alert.status', 'acknowledged'),
    str('alert.name', name),
    str('alert.fingerprint', ack.fingerprint),
    str('alert.starts_at', new Date(Date.parse(ack.startsAt)).toISOString()),
    str('alert.acknowledged_by', ack.by),
    str('alert.note', ack.note),
    str('alert.silence_id', ack.silenceId),
    str('alert.silenced_until', ack.silencedUntil),
  ];
  if (ack.labels.severity) attributes.push(str('alert.severity', ack.labels.severity));
  for (const [key, value] of Object.entries(ack.labels)) attributes.push(str(`alert.labels.${key}`, value));
  const note = ack.note ? `: ${ack.note}` : '';
  return {
    timeUnixNano: ack.timeUnixNano,
    observedTimeUnixNano: ack.timeUnixNano,
    severityNumber: SEVERITY.info,
    severityText: 'INFO',
    body: { stringValue: `[ACKNOWLEDGED] ${name} by ${ack.by}${note}` },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: ALERT_EVENTS.acknowledged,
  };
}

/** History records in one request; the resource names Alertmanager (its URL). */
export function alertHistoryLogs(records: LogRecord[], externalUrl: string): LogsData {
  const resource = [str('service.name', 'alertmanager')];
  if (externalUrl) resource.push(str('service.instance.id', externalUrl));
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: ALERT_HISTORY_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: records,
          },
        ],
      },
    ],
  };
}

export function notificationLogs(payload: WebhookPayload): LogsData {
  return alertHistoryLogs(
    payload.alerts.map((alert) => alertRecord(alert, payload)),
    payload.externalURL,
  );
}
