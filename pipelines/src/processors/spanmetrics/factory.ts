import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { type SpanmetricsConfig, spanmetricsConfigSchema } from './config.ts';
import { declareSpanmetricsMetrics } from './metrics.ts';
import { SpanmetricsProcessor } from './spanmetrics-processor.ts';

export const spanmetricsProcessorFactory: ProcessorFactory<SpanmetricsConfig> = {
  type: 'spanmetrics',
  kind: 'processor',
  configSchema: spanmetricsConfigSchema,
  create(config, context) {
    return new SpanmetricsProcessor(
      context.id,
      config,
      {
        logger: context.logger.child({ component: context.id }),
        emit: (signal, data, ctx) => context.emit(signal, data, ctx),
      },
      declareSpanmetricsMetrics(context.meter),
    );
  },
};
