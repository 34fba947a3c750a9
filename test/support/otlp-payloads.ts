import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** Finished spans made by the real SDK, to serialize into real OTLP requests. */
export function makeSpans(count: number, service = 'payload-test'): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('payloads');
  for (let index = 0; index < count; index++) {
    tracer.startSpan(`span-${index}`, { attributes: { index, 'http.route': '/api/items/:id' } }).end();
  }
  return exporter.getFinishedSpans();
}

/** A valid ExportTraceServiceRequest in protobuf, as the SDK's own serializer writes it. */
export function traceRequestProto(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function traceRequestJson(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

export function spanIds(spans: ReadableSpan[]): string[] {
  return spans.map((span) => span.spanContext().spanId);
}
