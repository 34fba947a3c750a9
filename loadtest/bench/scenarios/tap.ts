// What `otelgate tap` costs the pipeline: the redact processor on batches of 100 spans (20
// attributes each) with no tap, and with a tap at `end` whose filter matches nothing, or matches
// every span at 10 and at 100 records per second. Cases alternate round by round in one process,
// so the ratios to "no tap" hold on a loaded machine. Only processing is timed (process CPU).
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { buildPipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import { pino } from 'pino';
import { LiveGraph } from '../../../gateway/src/reload/live-graph.ts';
import { TapHub } from '../../../gateway/src/tap/tap-hub.ts';
import type { TapSession } from '../../../gateway/src/tap/tap-session.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 20;
const BATCHES_PER_ROUND = 50;
const BATCH = 100;

const s = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
let counter = 0;
function span(): Span {
  counter++;
  const attributes = Array.from({ length: 18 }, (_, i) => s(`attr.${i}`, `value-${(counter * 7 + i) % 1000}`));
  attributes.push(s('user.email', `user${counter % 100}@example.com`), s('http.route', '/api/orders/:id'));
  return {
    traceId: counter.toString(16).padStart(32, '0'),
    spanId: counter.toString(16).padStart(16, '0'),
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: 'GET /api/orders/:id',
    kind: 2,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_005_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
}
const batch = (): TracesData => ({
  resourceSpans: [
    {
      resource: { attributes: [s('service.name', 'shop')], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 'bench', version: '', attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          spans: Array.from({ length: BATCH }, span),
        },
      ],
    },
  ],
});

const logger = pino({ level: 'silent' });
const graph = await buildPipelineGraph(
  {
    processors: { redact: {} },
    exporters: { debug: {} },
    pipelines: { traces: { processors: ['redact'], exporters: ['debug'] } },
  },
  { logger, dataDir: '/tmp' },
);
const live = new LiveGraph(graph);
const hub = new TapHub(live, () => ({ allowBeforeRedaction: false, maxRatePerSecond: 1000, maxSessions: 4 }), logger);
const ctx = { tenant: undefined, peerAddress: undefined };
let writtenBytes = 0;
/** A response stand-in per tap (a tap ends its response when detached). */
const sink = () =>
  new Writable({
    write(chunk, _encoding, done) {
      writtenBytes += chunk.length;
      done();
    },
  }) as unknown as ServerResponse;

const cases: { name: string; tap?: { service?: string; rate: number } }[] = [
  { name: 'no tap' },
  { name: 'tap at end, filter matches nothing', tap: { service: 'nobody', rate: 100 } },
  { name: 'tap at end, every span, 10/s', tap: { rate: 10 } },
  { name: 'tap at end, every span, 100/s', tap: { rate: 100 } },
];
const totals = cases.map(() => ({ cpu: 0, records: 0, written: 0 }));

async function round(index: number): Promise<void> {
  const { tap } = cases[index];
  let session: TapSession | undefined;
  if (tap)
    session = hub.attach({
      point: { kind: 'end' },
      signal: 'traces',
      filter: { service: tap.service, attributes: [] },
      ratePerSecond: tap.rate,
      response: sink(),
    });
  const batches = Array.from({ length: BATCHES_PER_ROUND }, batch);
  const cpuBefore = process.cpuUsage();
  for (const data of batches) {
    let current = data;
    for (const node of live.pipeline('traces')!.processors)
      current = (await node.processor.process('traces', current, ctx)) as TracesData;
  }
  const used = process.cpuUsage(cpuBefore);
  totals[index].cpu += (used.user + used.system) / 1e6;
  totals[index].records += BATCHES_PER_ROUND * BATCH;
  if (session) {
    totals[index].written += session.written;
    hub.detach(session);
  }
}

for (let i = 0; i < cases.length; i++) await round(i); // warm-up
for (const total of totals) Object.assign(total, { cpu: 0, records: 0, written: 0 });
for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < cases.length; i++) await round(i);
await graph.shutdown();

const base = totals[0].cpu / totals[0].records;
const rows = cases.map((item, index) => {
  const perRecord = totals[index].cpu / totals[index].records;
  return {
    case: item.name,
    figures: {
      cpu_s_per_million: Number((perRecord * 1e6).toFixed(2)),
      vs_no_tap: Number((perRecord / base).toFixed(3)),
      lines_written: totals[index].written,
    },
  };
});
process.stderr.write(`  ${writtenBytes} bytes written by taps\n`);
process.stdout.write(`${JSON.stringify({ scenario: 'tap cost on the redact processor (one core)', rows })}\n`);
