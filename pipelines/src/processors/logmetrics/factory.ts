import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { type LogmetricsConfig, logmetricsConfigSchema } from './config.ts';
import { LogmetricsProcessor } from './logmetrics-processor.ts';
import { declareLogmetricsMetrics } from './metrics.ts';

export const logmetricsProcessorFactory: ProcessorFactory<LogmetricsConfig> = {
  type: 'logmetrics',
  kind: 'processor',
  configSchema: logmetricsConfigSchema,
  create(config, context) {
    return new LogmetricsProcessor(
      context.id,
      config,
      {
        logger: context.logger.child({ component: context.id }),
        emit: (signal, data, ctx) => context.emit(signal, data, ctx),
      },
      declareLogmetricsMetrics(
        context.meter,
        config.metrics.map((m) => m.name),
      ),
    );
  },
};
