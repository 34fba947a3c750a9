// Telemetry failures never slow or break the app, and what is dropped is counted: with the trace
// exporter's endpoint a black hole (accepts connections, never answers) and a tiny span queue,
// the app keeps serving while the batch span processor drops spans, and the SDK's own metric
// `otel.sdk.processor.span.processed{error.type="queue_full"}` reaches the (working) metrics endpoint.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { attributes, flattenMetrics } from './support/otlp-records.ts';

describe('@otelgate/node when the trace endpoint does not answer', () => {
  const capture = new OtlpCapture();
  const sockets: Socket[] = [];
  let blackHole: Server;
  let blackHoleUrl = '';

  beforeAll(async () => {
    await capture.start();
    blackHole = createServer((socket) => sockets.push(socket)); // reads nothing, answers nothing
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    blackHoleUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/traces`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    blackHole?.close();
    await capture.stop();
  });

  it('keeps serving and exports how many spans it dropped', async () => {
    const service = `dropping-${randomUUID().slice(0, 8)}`;
    const app = new AppProcess('test/instrumentation/fixtures/crash-app.ts', {
      ...otelEnv(capture.url, service),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: blackHoleUrl,
      OTEL_BSP_MAX_QUEUE_SIZE: '4',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2',
      OTEL_BSP_EXPORT_TIMEOUT: '60000',
    });
    try {
      const [, port] = await app.waitForOutput(/LISTENING port=(\d+)/);
      const started = performance.now();
      for (let i = 0; i < 50; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/log`);
        expect(await response.text()).toBe('logged');
      }
      // Generous bound: 50 local requests take milliseconds; a blocked exporter would take 60 s.
      expect(performance.now() - started).toBeLessThan(20_000);

      const dropped = await eventually(() => {
        const points = flattenMetrics(capture.requests.metrics)
          .filter((m) => m.resource['service.name'] === service && m.name === 'otel.sdk.processor.span.processed')
          .flatMap((m) => m.dataPoints)
          .filter((p) => attributes(p.attributes)['error.type'] === 'queue_full');
        const total = Math.max(0, ...points.map((p) => Number(p.asInt ?? p.asDouble ?? 0)));
        return total > 0 ? total : undefined;
      }, 'a queue_full count');
      // 50 server spans, at most queue size + batches in flight kept: the rest counted as dropped.
      expect(dropped).toBeGreaterThanOrEqual(40);
    } finally {
      await app.stop();
    }
  });
});
