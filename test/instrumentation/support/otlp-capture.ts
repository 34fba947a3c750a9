import { readFileExport } from '../../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.ts';

export type Signal = 'traces' | 'metrics' | 'logs';
// biome-ignore lint/suspicious/noExplicitAny: OTLP/JSON as the file exporter wrote it
type Json = Record<string, any>;

const ENVELOPES: Record<Signal, string> = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' };

/**
 * The real gateway as the instrumentation tests' OTLP endpoint: `otelgate start` with the file
 * exporter, no processors (these tests check what the packages send, not the enrichment), and
 * CORS open to the origins a test names. `requests` reads back what the gateway delivered.
 */
export class OtlpCapture {
  private gateway: GatewayProcess | undefined;
  url = '';

  async start(options: { corsOrigins?: string[] } = {}): Promise<this> {
    const pipeline = { processors: [], exporters: ['file'] };
    this.gateway = await startGatewayProcess({
      config: {
        receivers: { otlp: { http: { cors: { allowedOrigins: options.corsOrigins ?? [] } } } },
        pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline },
      },
    });
    this.url = this.gateway.httpUrl;
    return this;
  }

  /** Every export request the gateway delivered so far, by signal, as OTLP/JSON. */
  get requests(): Record<Signal, Json[]> {
    const all = this.gateway ? readFileExport(`${this.gateway.dir}/out.ndjson`) : [];
    const bySignal = { traces: [], metrics: [], logs: [] } as Record<Signal, Json[]>;
    for (const request of all) {
      for (const signal of Object.keys(ENVELOPES) as Signal[])
        if (ENVELOPES[signal] in request) bySignal[signal].push(request);
    }
    return bySignal;
  }

  async stop(): Promise<void> {
    await this.gateway?.kill('SIGTERM');
  }
}
