import {
  type BufferEntry,
  BufferHeader,
  type BufferProducer,
  OTLP_PROTO_CONTENT_TYPE,
} from '@otelgate/pipelines/buffer/buffer.ts';
import { asOtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import {
  groupTracesByPartition,
  groupTracesByTraceId,
  jsonToProto,
  type ScanResult,
  scanExportRequest,
} from '@otelgate/pipelines/otlp/index.ts';
import type { Logger } from 'pino';
import type { ReceiverMetrics } from '../telemetry/self-metrics.ts';
import type { ByteAccount } from './admission.ts';

/** OTLP receivers, and the log receivers that hand over encoded OTLP (receivers/logs). */
export type Transport = 'grpc' | 'http' | 'filelog' | 'syslog' | 'alertmanager';

/** Traces past this many distinct ids in one request share one unkeyed entry. */
const MAX_TRACE_GROUPS = 1024;
/**
 * Heap the split by trace takes per span (its framing range and place in a group), over-estimated:
 * 18 MB of 9 million empty spans ended the ingest role at its heap cap while being split.
 */
const SPLIT_BYTES_PER_SPAN = 64;

export interface IngestRequest {
  signal: Signal;
  transport: Transport;
  /** Decompressed body: OTLP protobuf, or OTLP/JSON when `json` is set. */
  body: Uint8Array;
  json: boolean;
  tenant: string;
  peerAddress: string | undefined;
  /** Charged for what this step allocates per request (the protobuf transcoded from JSON). */
  account?: ByteAccount;
}

export interface IngestOptions {
  producer: BufferProducer;
  metrics: ReceiverMetrics;
  maxAnyValueDepth: number;
  /**
   * Split trace requests into one buffer entry per trace, keyed by trace id, so every span of a
   * trace reaches the same partition and worker (Kafka). Pointless with one partition (embedded).
   */
  keyByTraceId: boolean;
  logger: Logger;
}

/**
 * The transport-independent ingest step: scan (never fully decode) the OTLP payload, pick its
 * key, append the raw protobuf to the buffer, and return only once the buffer made it durable.
 */
export class IngestService {
  readonly #options: IngestOptions;

  constructor(options: IngestOptions) {
    this.#options = options;
  }

  /**
   * All spans of a trace go under one key. When the buffer tells its partitions, the request is
   * split per partition (a few entries); before that, per trace id (one entry per trace).
   */
  #traceEntries(
    proto: Uint8Array,
    scan: ScanResult,
    headers: Record<string, string>,
    account: ByteAccount | undefined,
  ): BufferEntry[] {
    account?.chargeWorkingSet?.(
      scan.itemCount * SPLIT_BYTES_PER_SPAN,
      'split-size',
      () => `trace request of ${scan.itemCount} spans`,
    );
    const partitionOf = this.#options.producer.partitionerFor?.('traces');
    const groups = partitionOf
      ? groupTracesByPartition(proto, partitionOf, scan)
      : groupTracesByTraceId(proto, MAX_TRACE_GROUPS, scan);
    // The groups are copies, held with the request until the buffer has them.
    let copied = 0;
    for (const group of groups) copied += group.bytes.length;
    account?.charge(copied);
    return groups.map((group) => ({ key: group.key, value: group.bytes, headers }));
  }

  async accept(request: IngestRequest): Promise<{ itemCount: number }> {
    const { signal, transport } = request;
    const { metrics } = this.#options;
    let itemCount = 0;
    try {
      // JSON is transcoded to protobuf once, here; the buffer only ever holds protobuf.
      const proto = request.json ? jsonToProto(signal, request.body) : request.body;
      if (request.json) request.account?.charge(proto.length);
      const scan = scanExportRequest(signal, proto, { maxAnyValueDepth: this.#options.maxAnyValueDepth });
      itemCount = scan.itemCount;
      const headers: Record<string, string> = {
        [BufferHeader.tenant]: request.tenant,
        [BufferHeader.contentType]: OTLP_PROTO_CONTENT_TYPE,
      };
      if (request.peerAddress) headers[BufferHeader.peerAddress] = request.peerAddress;
      const entries: BufferEntry[] =
        signal === 'traces' && this.#options.keyByTraceId && scan.resources.length > 0
          ? this.#traceEntries(proto, scan, headers, request.account)
          : [{ key: scan.key, value: proto, headers }];
      const started = performance.now();
      await this.#options.producer.append(signal, entries);
      metrics.bufferAppendDuration.record((performance.now() - started) / 1000, { signal });
      metrics.acceptedItems.add(itemCount, { signal, transport });
      return { itemCount };
    } catch (error) {
      const failure = asOtelgateError(error);
      metrics.refusedItems.add(itemCount, { signal, transport, reason: failure.kind });
      if (failure.kind === 'internal') {
        this.#options.logger.error({ err: error, signal, transport }, 'ingest failed unexpectedly');
      }
      throw failure;
    }
  }
}
