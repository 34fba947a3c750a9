// Alert history records: log records the alertmanager receiver (one per alert state change) and
// `otelgate alerts ack` write. The Elasticsearch exporter puts records of this scope into the
// `<prefix>-alerts-*` indices instead of `<prefix>-logs-*`.
export const ALERT_HISTORY_SCOPE = 'otelgate/alerts';

/** `event.name` of the history records. */
export const ALERT_EVENTS = {
  firing: 'alert.firing',
  resolved: 'alert.resolved',
  acknowledged: 'alert.acknowledged',
} as const;
