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

// Attributes shared between records where the value repeats (facility and version tables; the last
// host, app, procid, msgid and peer): fewer objects per message on the receive path.
const FACILITY = Array.from({ length: 24 }, (_, facility) => int('syslog.facility', facility));
const VERSION = [int('syslog.version', 0), int('syslog.version', 1)];
const last = new Map<string, KeyValue>();

function shared(key: string, value: string): KeyValue {
  const previous = last.get(key);
  if (previous && (previous.value as { stringValue: string }).stringValue === value) return previous;
  const kv = str(key, value);
  last.set(key, kv);
  return kv;
}

let lastPeer: { address: string; port: number; attributes: KeyValue[] } | undefined;

function peerAttributes(address: string, port: number): KeyValue[] {
  if (lastPeer?.address !== address || lastPeer.port !== port) {
    lastPeer = { address, port, attributes: [str('network.peer.address', address), int('network.peer.port', port)] };
  }
  return lastPeer.attributes;
}

export function toLogRecord(
  message: SyslogMessage,
  peerAddress: string,
  peerPort: number,
  observedTimeUnixNano: bigint,
): LogRecord {
  const attributes: KeyValue[] = [FACILITY[message.facility], VERSION[message.version]];
  if (message.hostname !== undefined) attributes.push(shared('syslog.hostname', message.hostname));
  if (message.appname !== undefined) attributes.push(shared('syslog.appname', message.appname));
  if (message.procid !== undefined) attributes.push(shared('syslog.procid', message.procid));
  if (message.msgid !== undefined) attributes.push(shared('syslog.msgid', message.msgid));
  if (message.structuredData) {
    const values: KeyValue[] = message.structuredData.map((element) => ({
      key: element.id,
      value: {
        kvlistValue: { values: element.params.map(([name, value]) => str(name, value)) },
      } satisfies AnyValue,
    }));
    attributes.push({ key: 'syslog.structured_data', value: { kvlistValue: { values } } });
  }
  const peer = peerAttributes(peerAddress, peerPort);
  attributes.push(peer[0], peer[1]);
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
