// One attached tap: its filter, its rate (a token bucket of records per second) and the response
// it writes OTLP/JSON lines to. Offering data costs nothing once the second's budget is spent, and
// a client that reads slower than we write loses lines instead of holding memory.
import type { ServerResponse } from 'node:http';
import type { SignalData } from '@otelgate/pipelines/components/component.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { toOtlpJson } from '@otelgate/pipelines/otlp/json.ts';
import type { TapPoint } from './tap-points.ts';
import { sampleRecords, type TapFilter } from './tap-sample.ts';

/** Unread bytes a tap's response may hold before lines are skipped. */
const MAX_UNREAD_BYTES = 1024 * 1024;

export interface TapSessionOptions {
  point: TapPoint;
  signals: readonly Signal[];
  filter: TapFilter;
  ratePerSecond: number;
  response: ServerResponse;
}

export class TapSession {
  readonly point: TapPoint;
  readonly signals: readonly Signal[];
  /** Records written, and records passed over (rate used up or client too slow). */
  written = 0;
  skipped = 0;
  private readonly filter: TapFilter;
  private readonly rate: number;
  private readonly response: ServerResponse;
  private tokens: number;
  private refilledAt = performance.now();
  private ended = false;

  constructor(options: TapSessionOptions) {
    this.point = options.point;
    this.signals = options.signals;
    this.filter = options.filter;
    this.rate = options.ratePerSecond;
    this.tokens = options.ratePerSecond;
    this.response = options.response;
  }

  get active(): boolean {
    return !this.ended;
  }

  offer<S extends Signal>(signal: S, data: SignalData[S]): void {
    if (this.ended || !this.signals.includes(signal)) return;
    this.refill();
    if (this.tokens < 1) {
      this.skipped++;
      return;
    }
    try {
      sampleRecords(signal, data, this.filter, (single) => {
        if (this.tokens < 1) {
          this.skipped++;
          return false;
        }
        this.tokens--;
        if (this.response.writableLength > MAX_UNREAD_BYTES) this.skipped++;
        else {
          this.response.write(`${toOtlpJson(signal, single)}\n`);
          this.written++;
        }
        return true;
      });
    } catch {
      // A tap never fails the pipeline it watches.
      this.skipped++;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.response.end();
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }
}
