// A parsed syslog message as an OTLP LogRecord. Severity follows the OpenTelemetry logs data model
// (appendix B, syslog); the header fields become `syslog.*` attributes (the Collector's syslog
// receiver uses the same fields without the prefix: appname, hostname, proc_id, msg_id, ...).
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import type { SyslogMessage } from './syslog-parser.ts';

/** Syslog severity 0-7 to [SeverityNumber, SeverityText]. */
const SEVERITIES: readonly [number, string][] = [
  [21, 'emerg'], // FATAL
  [21, 'alert'], // FATAL
  [21, 'crit'], // FATAL
  [17, 'err'], // ERROR
  [13, 'warning'], // WARN
  [10, 'notice'], // INFO2
  [9, 'info'], // INFO
  [5, 'debug'], // DEBUG
];

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: BigInt(value) } };
}

export function toLogRecord(
  message: SyslogMessage,
  peerAddress: string,
  peerPort: number,
  observedTimeUnixNano: bigint,
): LogRecord {
  const attributes: KeyValue[] = [int('syslog.facility', message.facility), int('syslog.version', message.version)];
  if (message.hostname !== undefined) attributes.push(str('syslog.hostname', message.hostname));
  if (message.appname !== undefined) attributes.push(str('syslog.appname', message.appname));
  if (message.procid !== undefined) attributes.push(str('syslog.procid', message.procid));
  if (message.msgid !== undefined) attributes.push(str('syslog.msgid', message.msgid));
  if (message.structuredData) {
    const values: KeyValue[] = message.structuredData.map((element) => ({
      key: element.id,
      value: {
        kvlistValue: { values: element.params.map(([name, value]) => str(name, value)) },
      } satisfies AnyValue,
    }));
    attributes.push({ key: 'syslog.structured_data', value: { kvlistValue: { values } } });
  }
  attributes.push(str('network.peer.address', peerAddress), int('network.peer.port', peerPort));
  const [severityNumber, severityText] = SEVERITIES[message.severity];
  return {
    timeUnixNano: message.timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body: { stringValue: message.message },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}
