import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedLog, openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framed } from '@otelgate/pipelines/otlp/framing.ts';
import { jsonToProto } from '@otelgate/pipelines/otlp/index.ts';
import { writeFieldHeader } from '@otelgate/pipelines/otlp/wire-writer.ts';
import { makeSpans, traceRequestJson, traceRequestProto } from '../../../test/support/otlp-payloads.ts';
import { type SelfTelemetry, startSelfTelemetry } from '../telemetry/self-metrics.ts';
import { Admission, type AdmitRequest, REQUEST_OVERHEAD_BYTES } from './admission.ts';
import { IngestService } from './ingest-service.ts';
import { jsonDecodeEstimate } from './json-decode-estimate.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let log: EmbeddedLog;
let telemetry: SelfTelemetry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otelgate-admission-'));
  log = await openEmbeddedLog({ dir, disk: { minFreeBytes: 0 } }, { logger });
  telemetry = startSelfTelemetry('test');
});

afterAll(async () => {
  await log.close();
  await telemetry.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function admission(maxInFlightBytes: number, tenantShare = 1, keyByTraceId = false): Admission {
  const ingest = new IngestService({
    producer: log.producer,
    metrics: telemetry.receiver,
    maxAnyValueDepth: 64,
    keyByTraceId,
    logger,
  });
  return new Admission({ ingest, metrics: telemetry.receiver, maxInFlightBytes, tenantShare, retryAfterSeconds: 3 });
}

/** Admits a request whose read charges and returns `body` whole, under tenant `default`. */
function admitWhole(
  limits: Admission,
  body: Buffer,
  {
    signal = 'traces',
    transport = 'http',
    json = false,
  }: Partial<Pick<AdmitRequest, 'signal' | 'transport' | 'json'>> = {},
) {
  return limits.admit({
    signal,
    transport,
    tenant: 'default',
    json,
    peerAddress: undefined,
    read: async (account) => {
      account.charge(body.length);
      return body;
    },
  });
}

describe('admission', () => {
  it('charges bytes as they arrive and refuses with resource-exhausted and Retry-After past the limit', () => {
    const limits = admission(1000);
    const slow = limits.open('default', 'http');
    slow.charge(600);
    const other = limits.open('default', 'http');
    other.charge(300);
    expect(() => other.charge(200)).toThrow(
      expect.objectContaining({
        kind: 'resource-exhausted',
        retryAfterSeconds: 3,
        message: 'gateway busy: 900 bytes in flight, limit 1000 (limits.maxInFlightBytes)',
      }),
    );
    expect(limits.inFlightBytes).toBe(900);
    slow.release();
    other.charge(200);
    expect(limits.inFlightBytes).toBe(500);
    other.release();
    other.release();
    expect(limits.inFlightBytes).toBe(0);
  });

  it('lets one request larger than the limit through when nothing else is in flight', () => {
    const limits = admission(100);
    const big = limits.open('default', 'grpc');
    big.charge(80);
    big.charge(420);
    expect(() => limits.open('default', 'grpc').charge(1)).toThrow(
      expect.objectContaining({ kind: 'resource-exhausted' }),
    );
    big.release();
    expect(limits.inFlightBytes).toBe(0);
  });

  it("holds each tenant to its share, so another tenant's requests still fit", () => {
    const limits = admission(1000, 0.5);
    const greedy = limits.open('greedy', 'http');
    greedy.charge(400);
    const more = limits.open('greedy', 'http');
    expect(() => more.charge(200)).toThrow(
      expect.objectContaining({
        kind: 'resource-exhausted',
        message: 'tenant "greedy" busy: 400 bytes in flight, its share is 500 (limits.tenantShare)',
      }),
    );
    const polite = limits.open('polite', 'http');
    polite.charge(450);
    expect(limits.tenantBytes('greedy')).toBe(400);
    expect(limits.tenantBytes('polite')).toBe(450);
    greedy.release();
    more.release();
    polite.release();
    expect([limits.inFlightBytes, limits.tenantBytes('greedy'), limits.tenantBytes('polite')]).toEqual([0, 0, 0]);
  });

  it('holds the body while the buffer appends it, and releases it when the request settles', async () => {
    const limits = admission(10 * 1024 * 1024);
    const body = traceRequestProto(makeSpans(20));
    let heldDuringRead = 0;
    const admitted = limits.admit({
      signal: 'traces',
      transport: 'http',
      tenant: 'default',
      json: false,
      peerAddress: undefined,
      read: async (account) => {
        account.charge(body.length);
        heldDuringRead = limits.inFlightBytes;
        return body;
      },
    });
    expect(limits.inFlightBytes).toBe(REQUEST_OVERHEAD_BYTES + body.length);
    await expect(admitted).resolves.toEqual({ itemCount: 20 });
    expect(heldDuringRead).toBe(REQUEST_OVERHEAD_BYTES + body.length);
    expect(limits.inFlightBytes).toBe(0);
  });

  it('releases what a request held when its read fails half-way', async () => {
    const limits = admission(REQUEST_OVERHEAD_BYTES + 1000);
    const failed = limits.admit({
      signal: 'logs',
      transport: 'grpc',
      tenant: 'default',
      json: false,
      peerAddress: undefined,
      read: async (account) => {
        account.charge(700);
        throw new Error('client went away');
      },
    });
    await expect(failed).rejects.toThrow('client went away');
    expect(limits.inFlightBytes).toBe(0);
  });

  it('charges the protobuf transcoded from a JSON body too', async () => {
    const json = traceRequestJson(makeSpans(5));
    const proto = jsonToProto('traces', json);
    const decode = jsonDecodeEstimate(json);
    const limits = admission(1000 + REQUEST_OVERHEAD_BYTES + json.length + decode + proto.length - 1);
    const other = limits.open('default', 'http');
    other.charge(1000);
    const admit = () => admitWhole(limits, json, { json: true });
    await expect(admit()).rejects.toMatchObject({ kind: 'resource-exhausted' });
    expect(limits.inFlightBytes).toBe(1000);
    other.release();
    await expect(admit()).resolves.toEqual({ itemCount: 5 });
  });

  it('refuses an OTLP/JSON body whose decoding could never fit, before parsing it', async () => {
    // Half a million empty spans: 1.5 MB of body, ~32 MB of heap once parsed.
    const json = Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(500_000)}{}]}]}]}`);
    const limits = admission(16 * 1024 * 1024);
    const admitted = admitWhole(limits, json, { json: true });
    await expect(admitted).rejects.toMatchObject({
      kind: 'payload-too-large',
      message: expect.stringMatching(
        /^OTLP\/JSON body of 1500051 bytes would take about \d+ bytes to decode, over limits\.maxInFlightBytes \(16777216\): split it or send protobuf$/,
      ),
    });
    expect(limits.inFlightBytes).toBe(0);
  });

  it('estimates at least the heap JSON.parse takes for tiny and realistic items', () => {
    const realistic = traceRequestJson(makeSpans(500));
    expect(jsonDecodeEstimate(realistic)).toBeGreaterThan(realistic.length * 1.6);
    const empties = Buffer.from(`[${'{},'.repeat(1000)}{}]`);
    expect(jsonDecodeEstimate(empties)).toBeGreaterThan(1000 * 64);
  });

  it('charges the per-trace copies a trace request is split into while the buffer appends them', async () => {
    const body = traceRequestProto(makeSpans(20));
    const admit = (limits: Admission) => admitWhole(limits, body);
    // Room for the body but not for its copies as well: refused while another request holds 1000.
    const tight = admission(REQUEST_OVERHEAD_BYTES + body.length + 1000 + 100, 1, true);
    const other = tight.open('default', 'http');
    other.charge(1000);
    await expect(admit(tight)).rejects.toMatchObject({ kind: 'resource-exhausted' });
    other.release();
    await expect(admit(tight)).resolves.toEqual({ itemCount: 20 });
    expect(tight.inFlightBytes).toBe(0);
  });

  it('refuses a trace request whose split by trace could never fit, before splitting it', async () => {
    // 100,000 empty spans: 200 KB of protobuf, ~6 MB of heap once framed and grouped.
    const spans = Buffer.alloc(200_000);
    for (let index = 0; index < spans.length; index += 2) spans[index] = 0x12;
    const body = lengthDelimited(1, lengthDelimited(2, spans));
    const limits = admission(4 * 1024 * 1024, 1, true);
    const admitted = admitWhole(limits, body, { transport: 'grpc' });
    await expect(admitted).rejects.toMatchObject({
      kind: 'payload-too-large',
      message:
        'trace request of 100000 spans would take about 6400000 bytes to split by trace, over limits.maxInFlightBytes (4194304): split it',
    });
    expect(limits.inFlightBytes).toBe(0);
  });
});

/** A length-delimited protobuf field holding `payload`. */
function lengthDelimited(field: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(framed(payload.length));
  out.set(payload, writeFieldHeader(out, 0, field, payload.length));
  return out;
}
