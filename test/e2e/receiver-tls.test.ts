// TLS and mutual TLS on both OTLP receivers, against a real gateway process: curl, a grpc-js
// client and the OpenTelemetry SDK exporters with the right client certificate get through; without
// one, or with one from a CA the gateway does not trust, they are refused with a message saying so.
// Certificates rotate on a file change or SIGHUP while open connections keep going.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, eventuallyAsync, exportedSpans, readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcUnaryCall } from '../support/grpc-export.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';
import { createTestPki, type TestPki } from '../support/test-certificates.ts';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const run = promisify(execFile);
let pki: TestPki;
let mutual: GatewayProcess;
let liveDir: string;
let httpsUrl: string;
let ports: { http: number; grpc: number };

beforeAll(async () => {
  pki = createTestPki();
  // The served files live in a directory of their own, replaced in place on rotation.
  liveDir = join(pki.dir, 'live');
  mkdirSync(liveDir);
  install(pki.serverCertificate('gateway v1'), liveDir);
  const tls = {
    certFile: join(liveDir, 'server.pem'),
    keyFile: join(liveDir, 'server.key'),
    clientCaFile: pki.caFile,
  };
  mutual = await startGatewayProcess({ config: { receivers: { otlp: { http: { tls }, grpc: { tls } } } } });
  ports = { http: Number(new URL(mutual.httpUrl).port), grpc: Number(mutual.grpcAddress.split(':')[1]) };
  httpsUrl = `https://127.0.0.1:${ports.http}`;
}, 90_000);

afterAll(async () => {
  expect(await mutual?.kill('SIGTERM')).toBe(0);
});

function install(files: { certFile: string; keyFile: string }, dir: string): void {
  copyFileSync(files.keyFile, join(dir, 'server.key'));
  copyFileSync(files.certFile, join(dir, 'server.pem'));
}

/** POSTs one protobuf trace request with curl; resolves with the status and body, or curl's error. */
async function curlTraces(args: string[]): Promise<{ status: number; body: string; error: string }> {
  const body = join(pki.dir, 'one-span.bin');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(body, traceRequestProto(makeSpans(1, 'curl-over-tls')));
  const outcome = await run('curl', [
    '-sS',
    '--cacert',
    pki.caFile,
    '-H',
    'content-type: application/x-protobuf',
    '--data-binary',
    `@${body}`,
    '-w',
    '\n%{http_code}',
    ...args,
    `${httpsUrl}/v1/traces`,
  ]).catch((error: { stdout: string; stderr: string }) => error);
  const lines = outcome.stdout.split('\n');
  return { status: Number(lines.at(-1)), body: lines.slice(0, -1).join('\n'), error: outcome.stderr };
}

function clientCredentials(client?: { certFile: string; keyFile: string }): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    readFileSync(pki.caFile),
    client ? readFileSync(client.keyFile) : null,
    client ? readFileSync(client.certFile) : null,
  );
}

/** The CN of the certificate a new TLS connection to `port` is served. */
function servedCertificateName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: readFileSync(pki.caFile),
      cert: readFileSync(pki.client.certFile),
      key: readFileSync(pki.client.keyFile),
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    socket.once('secureConnect', () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('OTLP/HTTP over TLS with client certificates', () => {
  it('accepts a curl request with a client certificate the CA signed', async () => {
    const outcome = await curlTraces(['--cert', pki.client.certFile, '--key', pki.client.keyFile]);
    expect(outcome).toMatchObject({ status: 200, error: '' });
    await eventually(() =>
      readFileExport(`${mutual.dir}/out.ndjson`).some((request) => JSON.stringify(request).includes('curl-over-tls')),
    );
  });

  it('refuses a client without a certificate with 401 naming the problem, and logs the refusal', async () => {
    const outcome = await curlTraces([]);
    expect(outcome.status).toBe(401);
    expect(outcome.body).toMatch(/client certificate required/);
    await eventually(() => mutual.output.some((line) => line.includes('client certificate refused')));
  });

  it('refuses a certificate from a CA it does not trust, naming the certificate and the check that failed', async () => {
    const outcome = await curlTraces(['--cert', pki.strangerClient.certFile, '--key', pki.strangerClient.keyFile]);
    expect(outcome.status).toBe(401);
    expect(outcome.body).toMatch(/CN=stranger client.*not trusted.*UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('refuses cleartext HTTP and TLS below the configured minimum at the handshake', async () => {
    const plain = await run('curl', ['-sS', `http://127.0.0.1:${ports.http}/v1/traces`]).catch((e) => e);
    expect(plain.stderr).toMatch(/Empty reply|reset/i);
    const old = await run('curl', ['-sS', '-k', '--tls-max', '1.1', `${httpsUrl}/v1/traces`]).catch((e) => e);
    expect(old.stderr).toMatch(/protocol version|unsupported protocol|no protocols available/i);
    await eventually(() => mutual.output.some((line) => line.includes('TLS handshake refused')));
  });
});

describe('OTLP/gRPC over TLS with client certificates', () => {
  const body = traceRequestProto(makeSpans(2, 'grpc-js-over-tls'));

  it('accepts a grpc-js call with a client certificate the CA signed', async () => {
    const { error } = await grpcUnaryCall(mutual.grpcAddress, TRACE_EXPORT, body, {
      credentials: clientCredentials(pki.client),
    });
    expect(error).toBeNull();
  });

  it('answers UNAUTHENTICATED naming the problem to a client without a certificate', async () => {
    const { error } = await grpcUnaryCall(mutual.grpcAddress, TRACE_EXPORT, body, {
      credentials: clientCredentials(),
    });
    expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error?.details).toMatch(/client certificate required/);
  });

  it('answers UNAUTHENTICATED to a certificate from a CA it does not trust', async () => {
    const { error } = await grpcUnaryCall(mutual.grpcAddress, TRACE_EXPORT, body, {
      credentials: clientCredentials(pki.strangerClient),
    });
    expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error?.details).toMatch(/CN=stranger client.*not trusted/);
  });

  it('does not fall back to cleartext: a plaintext HTTP/2 client gets no answer', async () => {
    const { error } = await grpcUnaryCall(mutual.grpcAddress, TRACE_EXPORT, body, {
      credentials: grpc.credentials.createInsecure(),
    });
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe('the OpenTelemetry SDK exporters over mutual TLS', () => {
  const exporters: Record<string, () => SpanExporter> = {
    grpc: () =>
      new GrpcTraceExporter({ url: `https://${mutual.grpcAddress}`, credentials: clientCredentials(pki.client) }),
    'http/json': () =>
      new HttpTraceExporter({
        url: `${httpsUrl}/v1/traces`,
        httpAgentOptions: {
          ca: readFileSync(pki.caFile),
          cert: readFileSync(pki.client.certFile),
          key: readFileSync(pki.client.keyFile),
        },
      }),
  };

  it.each(Object.keys(exporters))('delivers every span exported over %s', async (transport) => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': `tls-${transport}` }),
      spanProcessors: [new BatchSpanProcessor({ exporter: exporters[transport]() })],
    });
    const ids = new Set<string>();
    for (let index = 0; index < 20; index++) {
      const span = provider.getTracer('tls').startSpan(`tls-${transport}-${index}`);
      ids.add(span.spanContext().spanId);
      span.end();
    }
    await provider.forceFlush();
    await provider.shutdown();
    await eventually(() => {
      const delivered = new Set(exportedSpans(`${mutual.dir}/out.ndjson`).map((s) => s.spanId));
      return [...ids].every((id) => delivered.has(id));
    });
  });
});

describe('certificate rotation', () => {
  it('serves a replaced certificate to new connections while an open connection keeps working', async () => {
    expect(await servedCertificateName(ports.http)).toBe('gateway v1');
    const agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: readFileSync(pki.caFile),
      cert: readFileSync(pki.client.certFile),
      key: readFileSync(pki.client.keyFile),
    });
    const channel = new grpc.Client(mutual.grpcAddress, clientCredentials(pki.client));
    const grpcCall = () =>
      new Promise<grpc.ServiceError | null>((resolve) =>
        channel.makeUnaryRequest(
          TRACE_EXPORT,
          (bytes: Buffer) => bytes,
          (bytes: Buffer) => bytes,
          traceRequestProto(makeSpans(1)),
          (error) => resolve(error),
        ),
      );
    try {
      const before = await post(agent);
      expect(before).toMatchObject({ status: 200, reused: false, servedName: 'gateway v1' });
      expect(await grpcCall()).toBeNull();

      // A half-done rotation (the new key beside the old certificate) does not load: v1 stays.
      const v2 = pki.serverCertificate('gateway v2');
      copyFileSync(v2.keyFile, join(liveDir, 'server.key'));
      await eventually(() => mutual.output.some((line) => line.includes('TLS certificate reload failed')));
      expect(await servedCertificateName(ports.http)).toBe('gateway v1');

      copyFileSync(v2.certFile, join(liveDir, 'server.pem'));
      await eventuallyAsync(async () => (await servedCertificateName(ports.http)) === 'gateway v2');
      expect(await servedCertificateName(ports.grpc)).toBe('gateway v2');

      // The connections opened before the rotation are the same ones, still on v1, still answered.
      const after = await post(agent);
      expect(after).toMatchObject({ status: 200, reused: true, servedName: 'gateway v1' });
      expect(await grpcCall()).toBeNull();
    } finally {
      agent.destroy();
      channel.close();
    }
  });

  it('re-reads certificates on SIGHUP when no file event announced the change', async () => {
    // certFile is a symlink into another directory: rewriting the target makes no event in the
    // watched directory, so only SIGHUP can pick it up.
    const gatewayPki = createTestPki();
    const targetDir = join(gatewayPki.dir, 'target');
    const linkDir = join(gatewayPki.dir, 'links');
    mkdirSync(targetDir);
    mkdirSync(linkDir);
    install(gatewayPki.serverCertificate('hup v1'), targetDir);
    symlinkSync(join(targetDir, 'server.pem'), join(linkDir, 'server.pem'));
    symlinkSync(join(targetDir, 'server.key'), join(linkDir, 'server.key'));
    const tls = { certFile: join(linkDir, 'server.pem'), keyFile: join(linkDir, 'server.key'), minVersion: 'TLSv1.3' };
    const gateway = await startGatewayProcess({ config: { receivers: { otlp: { http: { tls }, grpc: null } } } });
    try {
      const port = Number(new URL(gateway.httpUrl).port);
      const served = () => servedName(port, gatewayPki.caFile);
      expect(await served()).toBe('hup v1');
      install(gatewayPki.serverCertificate('hup v2'), targetDir);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await served()).toBe('hup v1');
      gateway.child.kill('SIGHUP');
      await eventuallyAsync(async () => (await served()) === 'hup v2');
      expect(gateway.output.some((line) => line.includes('TLS certificate reloaded') && line.includes('SIGHUP'))).toBe(
        true,
      );
    } finally {
      expect(await gateway.kill('SIGTERM')).toBe(0);
    }
  }, 90_000);
});

/** One request on the agent: its status, whether it reused a connection, and the CN that connection was served. */
function post(agent: Agent): Promise<{ status: number; reused: boolean; servedName: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${httpsUrl}/v1/traces`,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf' } },
      (response) => {
        const socket = response.socket as TLSSocket;
        response.resume();
        response.once('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            reused: outgoing.reusedSocket,
            servedName: String(socket.getPeerCertificate().subject.CN),
          });
        });
      },
    );
    outgoing.once('error', reject);
    outgoing.end(traceRequestProto(makeSpans(1)));
  });
}

function servedName(port: number, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(caFile) });
    socket.once('secureConnect', () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
