// The one admission step of both receivers: every request is charged against the in-flight limit
// (and its tenant's share of it) for the bytes it makes us hold, as they arrive, and released when
// it ends however it ends; then scanned and appended (ingest-service.ts). An announced length is
// never reserved: a client announcing 20 MiB and sending a byte a second holds a byte a second.
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { ReceiverMetrics } from '../telemetry/self-metrics.ts';
import type { IngestService, Transport } from './ingest-service.ts';
import { jsonDecodeEstimate } from './json-decode-estimate.ts';

/** Why a limit refused or cut off a request: the `reason` of otelgate_receiver_limit_refusals. */
export type LimitReason =
  | 'in-flight-limit'
  | 'tenant-share'
  | 'read-timeout'
  | 'idle-timeout'
  | 'min-rate'
  | 'grpc-timeout'
  | 'connection-limit'
  | 'header-timeout'
  | 'header-size'
  | 'write-timeout'
  | 'connection-idle'
  | 'json-decode-size'
  | 'split-size'
  | 'protocol-abuse'
  | 'pipeline-depth'
  | 'stream-limit';

/** What a transport's body reader charges the bytes it holds to. */
export interface ByteAccount {
  /** Counts `bytes` more as held by this request; throws `resource-exhausted` when they do not fit. */
  charge(bytes: number): void;
  /**
   * Charges the working set of a step about to run (decoding, splitting): a request alone always
   * fits for `charge`, but one whose step could never fit the whole limit is refused instead with
   * `payload-too-large`, counted under `reason`; `describe` says what would take that much.
   */
  chargeWorkingSet?(bytes: number, reason: 'json-decode-size' | 'split-size', describe: () => string): void;
}

export interface AdmissionOptions {
  ingest: IngestService;
  metrics: ReceiverMetrics;
  maxInFlightBytes: number;
  /** Fraction of maxInFlightBytes one tenant may hold; 1 when tenants are not told apart. */
  tenantShare: number;
  retryAfterSeconds: number;
}

export interface AdmitRequest {
  signal: Signal;
  transport: Transport;
  tenant: string;
  json: boolean;
  peerAddress: string | undefined;
  /** Reads (and inflates) the body, charging every byte it holds to `account` as it arrives. */
  read(account: ByteAccount): Promise<Uint8Array>;
}

/**
 * What a request holds before its first byte (request and response objects, its account, timers,
 * promises; ~2 KiB measured with 160,000 pipelined requests in flight). Charged so that floods of
 * tiny requests, which hold almost no body bytes, are bounded by the in-flight limit too.
 */
export const REQUEST_OVERHEAD_BYTES = 2048;
/**
 * The same for a gRPC call: its HTTP/2 stream costs more (~8 KiB of V8 heap and ~20 KiB of RSS
 * each, measured with 16,000 calls holding unfinished messages), so 64 MiB bounds calls to 4096.
 */
export const GRPC_CALL_OVERHEAD_BYTES = 16 * 1024;

interface Tally {
  held: number;
  readonly max: number;
}

export class Admission {
  readonly #options: AdmissionOptions;
  readonly #pool: Tally;
  readonly #tenants = new Map<string, Tally>();

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#pool = { held: 0, max: options.maxInFlightBytes };
    options.metrics.inFlightBytes.addCallback((result) => result.observe(this.#pool.held));
  }

  get inFlightBytes(): number {
    return this.#pool.held;
  }

  /** Bytes `tenant`'s requests hold now. */
  tenantBytes(tenant: string): number {
    return this.#tenants.get(tenant)?.held ?? 0;
  }

  /** Reads, scans and appends one request; every byte it held is released when it settles. */
  async admit(request: AdmitRequest): Promise<{ itemCount: number }> {
    const account = this.open(request.tenant, request.transport);
    try {
      account.charge(request.transport === 'grpc' ? GRPC_CALL_OVERHEAD_BYTES : REQUEST_OVERHEAD_BYTES);
      const body = await request.read(account);
      this.#options.metrics.requestSize.record(body.length, { signal: request.signal, transport: request.transport });
      if (request.json) {
        account.chargeWorkingSet(
          jsonDecodeEstimate(body),
          'json-decode-size',
          () => `OTLP/JSON body of ${body.length} bytes`,
        );
      }
      return await this.#options.ingest.accept({
        signal: request.signal,
        transport: request.transport,
        body,
        json: request.json,
        tenant: request.tenant,
        peerAddress: request.peerAddress,
        account,
      });
    } finally {
      account.release();
    }
  }

  /** An account for one request; `release()` it exactly when the request ends (admit() does). */
  open(tenant: string, transport: Transport): RequestAccount {
    let tally: Tally | undefined;
    if (this.#options.tenantShare < 1) {
      tally = this.#tenants.get(tenant);
      if (!tally) {
        tally = { held: 0, max: Math.floor(this.#options.maxInFlightBytes * this.#options.tenantShare) };
        this.#tenants.set(tenant, tally);
      }
    }
    return new RequestAccount(this, this.#pool, tally, tenant, transport);
  }

  /** Counts a limit's refusal or cut-off under its reason; returns `error` for throwing. */
  refused(transport: Transport, reason: LimitReason, error: OtelgateError): OtelgateError {
    this.#options.metrics.limitRefusals.add(1, { transport, reason });
    return error;
  }

  get retryAfterSeconds(): number {
    return this.#options.retryAfterSeconds;
  }
}

/** The bytes one request holds, charged to the pool and to its tenant's tally. */
export class RequestAccount implements ByteAccount {
  readonly #admission: Admission;
  readonly #pool: Tally;
  readonly #tally: Tally | undefined;
  readonly #tenant: string;
  readonly #transport: Transport;
  #held = 0;
  #released = false;

  constructor(admission: Admission, pool: Tally, tally: Tally | undefined, tenant: string, transport: Transport) {
    this.#admission = admission;
    this.#pool = pool;
    this.#tally = tally;
    this.#tenant = tenant;
    this.#transport = transport;
  }

  get held(): number {
    return this.#held;
  }

  charge(bytes: number): void {
    if (this.#released) return;
    const pool = this.#pool;
    const tally = this.#tally;
    // A request alone in flight always fits, so one larger than the limit still gets through.
    if (pool.held + bytes > pool.max && pool.held > this.#held) throw this.#refuse('in-flight-limit');
    if (tally && tally.held + bytes > tally.max && tally.held > this.#held) throw this.#refuse('tenant-share');
    pool.held += bytes;
    if (tally) tally.held += bytes;
    this.#held += bytes;
  }

  chargeWorkingSet(bytes: number, reason: 'json-decode-size' | 'split-size', describe: () => string): void {
    if (bytes > this.#pool.max) {
      const message = `${describe()} would take about ${bytes} bytes to ${reason === 'split-size' ? 'split by trace' : 'decode'}, over limits.maxInFlightBytes (${this.#pool.max}): split it${reason === 'json-decode-size' ? ' or send protobuf' : ''}`;
      throw this.#admission.refused(this.#transport, reason, new OtelgateError('payload-too-large', message));
    }
    this.charge(bytes);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#pool.held -= this.#held;
    if (this.#tally) this.#tally.held -= this.#held;
    this.#held = 0;
  }

  #refuse(reason: 'in-flight-limit' | 'tenant-share'): OtelgateError {
    const pool = this.#pool;
    const tally = this.#tally;
    const message =
      reason === 'in-flight-limit'
        ? `gateway busy: ${pool.held} bytes in flight, limit ${pool.max} (limits.maxInFlightBytes)`
        : `tenant "${this.#tenant}" busy: ${tally?.held} bytes in flight, its share is ${tally?.max} (limits.tenantShare)`;
    const retryAfterSeconds = this.#admission.retryAfterSeconds;
    return this.#admission.refused(
      this.#transport,
      reason,
      new OtelgateError('resource-exhausted', message, { retryAfterSeconds }),
    );
  }
}
