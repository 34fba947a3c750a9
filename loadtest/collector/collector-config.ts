// Collector configurations for the side-by-side benchmark, built as objects and written as YAML.
import { stringify } from 'yaml';

export interface CollectorPorts {
  grpc: number;
  http: number;
  /** The Collector's own Prometheus endpoint (otelcol_receiver_accepted_spans etc.). */
  metrics: number;
}

/**
 * How the Collector acknowledges:
 * - `durable`: no batch processor and no sending queue, so the OTLP response waits for the Kafka
 *   ack (acks=all), the same promise otelgate makes. This is the like-for-like comparison.
 * - `default`: the usual deployment (batch processor + the exporter's in-memory sending queue):
 *   clients are answered before anything reaches Kafka, so a crash loses what is queued.
 */
export type CollectorAckMode = 'durable' | 'default';

/** Where the Collector sends spans: Kafka, or nowhere (`nop`: the cost of receiving alone). */
export type CollectorSink = 'kafka' | 'nop';

export interface IngestToKafkaOptions {
  ports: CollectorPorts;
  brokers: string[];
  topic: string;
  ackMode: CollectorAckMode;
  sink?: CollectorSink;
}

/** OTLP gRPC + HTTP in, Kafka out (otlp_proto encoding, the layout otelgate's topics use). */
export function ingestToKafkaConfig(options: IngestToKafkaOptions): string {
  const durable = options.ackMode === 'durable';
  const kafka: Record<string, unknown> = {
    brokers: options.brokers,
    traces: { topic: options.topic, encoding: 'otlp_proto' },
    // otelgate keys trace messages by trace ID too.
    partition_traces_by_id: true,
    producer: { required_acks: -1, compression: 'none' },
    sending_queue: { enabled: !durable },
  };
  return stringify({
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `127.0.0.1:${options.ports.grpc}`, max_recv_msg_size_mib: 64 },
          http: { endpoint: `127.0.0.1:${options.ports.http}` },
        },
      },
    },
    processors: { batch: {} },
    exporters: { kafka, nop: {} },
    service: {
      telemetry: telemetry(options.ports.metrics),
      pipelines: {
        traces: { receivers: ['otlp'], processors: durable ? [] : ['batch'], exporters: [options.sink ?? 'kafka'] },
      },
    },
  });
}

function telemetry(metricsPort: number): Record<string, unknown> {
  return {
    logs: { level: 'warn' },
    metrics: {
      level: 'basic',
      readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: metricsPort } } } }],
    },
  };
}

/** What the Collector does with what its kafka receiver consumed. */
export type WorkerSink = { kind: 'prometheusremotewrite'; endpoint: string } | { kind: 'nop' };

/**
 * How the Collector's worker treats a message:
 * - `durable`: marked (committed) only after the pipeline returned, and no in-memory queue in
 *   the remote-write exporter, so the receiver waits for Prometheus: at-least-once, as otelgate.
 * - `default`: marked before the pipeline runs and handed to the exporter's queue (10,000
 *   requests); when the queue is full the receiver is refused and the message is dropped.
 */
export type WorkerAckMode = 'durable' | 'default';

export interface KafkaToSinkOptions {
  ports: CollectorPorts;
  brokers: string[];
  signal: 'metrics' | 'traces';
  topic: string;
  groupId: string;
  sink: WorkerSink;
  ackMode: WorkerAckMode;
}

/**
 * The worker side: kafka receiver (otlp_proto, from the earliest offset) -> sink, no batch
 * processor. The otlp receiver is in the pipeline only so startCollector can see the process is
 * up (it waits for the OTLP ports); nothing is sent to it.
 */
export function kafkaToSinkConfig(options: KafkaToSinkOptions): string {
  const durable = options.ackMode === 'durable';
  const exporters: Record<string, unknown> =
    options.sink.kind === 'nop'
      ? { nop: {} }
      : {
          prometheusremotewrite: {
            endpoint: options.sink.endpoint,
            // Like otelgate's prometheus exporter: target_info per resource, unit/_total suffixes.
            target_info: { enabled: true },
            add_metric_suffixes: true,
            ...(durable ? { remote_write_queue: { enabled: false } } : {}),
          },
        };
  return stringify({
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `127.0.0.1:${options.ports.grpc}` },
          http: { endpoint: `127.0.0.1:${options.ports.http}` },
        },
      },
      kafka: {
        brokers: options.brokers,
        group_id: options.groupId,
        initial_offset: 'earliest',
        ...(durable ? { message_marking: { after: true } } : {}),
        [options.signal]: { topics: [options.topic], encoding: 'otlp_proto' },
      },
    },
    exporters,
    service: {
      telemetry: telemetry(options.ports.metrics),
      pipelines: {
        [options.signal]: { receivers: ['kafka', 'otlp'], processors: [], exporters: Object.keys(exporters) },
      },
    },
  });
}
