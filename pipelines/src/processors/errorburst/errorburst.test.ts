import { createServer, type Server } from 'node:http';
import { createNoopMeter } from '@opentelemetry/api';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceSeconds } from './burst-window.ts';
import { errorburstConfigSchema } from './config.ts';
import { ALERT_NAME, type ErrorburstProcessor } from './errorburst-processor.ts';
import { errorburstProcessorFactory } from './factory.ts';

const rule = { threshold: 0.05, activeShare: 0.8, minCalls: 10 };

describe('ServiceSeconds', () => {
  const fill = (seconds: ServiceSeconds, from: number, to: number, calls: number, errors: number) => {
    for (let s = from; s < to; s++) for (let i = 0; i < calls; i++) seconds.add(s, i < errors);
  };

  it('is failing when every second with calls is over the threshold', () => {
    const seconds = new ServiceSeconds();
    fill(seconds, 100, 110, 10, 1);
    expect(seconds.failing(100, 110, rule)).toEqual({ failing: true, share: 0.1 });
  });

  it('is not failing when one second in the window is at or under the threshold (a 5 s blip)', () => {
    const seconds = new ServiceSeconds();
    fill(seconds, 100, 105, 10, 10);
    fill(seconds, 105, 110, 20, 1);
    expect(seconds.failing(100, 110, rule).failing).toBe(false);
  });

  it('is not failing on a burst followed by silence, nor on too few calls', () => {
    const burstThenSilence = new ServiceSeconds();
    fill(burstThenSilence, 100, 106, 10, 10);
    expect(burstThenSilence.failing(100, 110, rule).failing).toBe(false);
    const sparse = new ServiceSeconds();
    fill(sparse, 100, 110, 1, 1);
    expect(sparse.failing(100, 110, { ...rule, minCalls: 11 }).failing).toBe(false);
  });

  it('forgets pruned seconds', () => {
    const seconds = new ServiceSeconds();
    fill(seconds, 100, 110, 1, 1);
    expect(seconds.prune(105)).toBe(false);
    expect(seconds.prune(111)).toBe(true);
  });
});

describe('errorburst processor', () => {
  const posts: { labels: Record<string, string>; startsAt: string; endsAt: string }[][] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        if (req.url === '/api/v2/alerts' && req.method === 'POST') posts.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function span(endSecond: number, error: boolean, kind = 2): Span {
    const end = BigInt(endSecond) * 1_000_000_000n;
    return {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceState: '',
      parentSpanId: '',
      flags: 0,
      name: 'GET /x',
      kind,
      startTimeUnixNano: end - 1_000_000n,
      endTimeUnixNano: end,
      attributes: [],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: error ? 2 : 0, message: '' },
    };
  }
  const traces = (service: string, spans: Span[]): TracesData => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          { scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
        ],
      },
    ],
  });
  const ctx = { tenant: undefined, peerAddress: undefined };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  /** Waits until Alertmanager has received `count` posts (the processor sends in the background). */
  const posted = async (count: number) => {
    const deadline = Date.now() + 5_000;
    while (posts.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(posts).toHaveLength(count);
  };

  it('posts a firing alert once the judged window fails, re-sends it, and resolves it after keepFiringSeconds', async () => {
    const processor = (await errorburstProcessorFactory.create(
      errorburstConfigSchema.parse({
        alertmanagerUrl: url,
        sustainSeconds: 5,
        lagSeconds: 2,
        keepFiringSeconds: 10,
        resendSeconds: 5,
        minCalls: 5,
        labels: { stack: 'test' },
      }),
      {
        id: 'errorburst',
        dataDir: '/tmp',
        meter: createNoopMeter(),
        logger: pino({ level: 'silent' }),
        emit: () => {},
      },
    )) as ErrorburstProcessor;
    try {
      const now = Math.floor(Date.now() / 1000);
      // Seconds now-6 .. now-2: all errors on server spans; client spans do not count.
      const spans = [];
      for (let s = now - 6; s <= now; s++) spans.push(span(s, true), span(s, true), span(s, false, 3));
      processor.process('traces', traces('checkout', spans), ctx);
      processor.evaluate((now - 1) * 1000);
      await settle();
      expect(posts).toEqual([]);
      processor.evaluate((now + 1) * 1000);
      await posted(1);
      const [alert] = posts[0];
      expect(alert.labels).toEqual({
        stack: 'test',
        alertname: ALERT_NAME,
        severity: 'critical',
        component: 'application',
        service_name: 'checkout',
      });
      expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now());
      processor.evaluate((now + 7) * 1000);
      await posted(2);
      processor.evaluate((now + 12) * 1000);
      await posted(3);
      const resolved = posts[2][0];
      expect(Date.parse(resolved.endsAt)).toBe((now + 12) * 1000);
      expect(resolved.startsAt).toBe(alert.startsAt);
    } finally {
      await processor.shutdown();
    }
  });
});
