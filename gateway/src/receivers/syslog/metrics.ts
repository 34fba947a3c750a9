// The syslog receiver's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';

export const SYSLOG_DROP_REASONS = ['malformed', 'too_large', 'buffer_full', 'refused'] as const;
export type SyslogDropReason = (typeof SYSLOG_DROP_REASONS)[number];

export interface SyslogMetrics {
  received: Counter;
  dropped: Counter;
  truncated: Counter;
  invalidUtf8: Counter;
  connections: UpDownCounter;
  pauses: Counter;
  pending: ObservableGauge;
  pendingBytes: ObservableGauge;
}

export function declareSyslogMetrics(
  meter: Meter,
  transports: string[],
  pending: () => { records: number; bytes: number },
): SyslogMetrics {
  const received = meter.createCounter('otelgate_syslog_received_messages', {
    description: 'Syslog messages received and parsed (queued for the buffer), by transport (udp, tcp).',
  });
  const dropped = meter.createCounter('otelgate_syslog_dropped_messages', {
    description:
      'Syslog messages dropped, by transport and reason: malformed (not syslog), too_large, buffer_full (UDP while the pending queue is full), refused (the buffer refused for good).',
  });
  for (const transport of transports) {
    received.add(0, { transport });
    for (const reason of SYSLOG_DROP_REASONS) dropped.add(0, { transport, reason });
  }
  const gauge = meter.createObservableGauge('otelgate_syslog_pending_records', {
    description: 'Syslog records received and not yet durable in the buffer (bounded by maxPendingRecords).',
  });
  gauge.addCallback((result) => result.observe(pending().records));
  const bytesGauge = meter.createObservableGauge('otelgate_syslog_pending_bytes', {
    description: 'Encoded bytes of the syslog records received and not yet durable (bounded by maxPendingBytes).',
    unit: 'By',
  });
  bytesGauge.addCallback((result) => result.observe(pending().bytes));
  return {
    received,
    dropped,
    truncated: meter.createCounter('otelgate_syslog_truncated_messages', {
      description: 'Newline-framed TCP messages cut at tcp.maxMessageBytes (the rest of the line was discarded).',
    }),
    invalidUtf8: meter.createCounter('otelgate_syslog_invalid_utf8_messages', {
      description: 'Messages with invalid UTF-8, delivered with each bad sequence replaced by U+FFFD.',
    }),
    connections: meter.createUpDownCounter('otelgate_syslog_connections', {
      description: 'Open syslog TCP/TLS connections.',
    }),
    pauses: meter.createCounter('otelgate_syslog_backpressure_pauses', {
      description:
        'Times a TCP connection stopped being read because maxPendingBytes or maxPendingRecords were waiting for the buffer.',
    }),
    pending: gauge,
    pendingBytes: bytesGauge,
  };
}
