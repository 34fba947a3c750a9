import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { type ErrorburstConfig, errorburstConfigSchema } from './config.ts';
import { ErrorburstProcessor } from './errorburst-processor.ts';
import { declareErrorburstMetrics } from './metrics.ts';

export const errorburstProcessorFactory: ProcessorFactory<ErrorburstConfig> = {
  type: 'errorburst',
  kind: 'processor',
  configSchema: errorburstConfigSchema,
  create(config, context) {
    return new ErrorburstProcessor(
      context.id,
      config,
      context.logger.child({ component: context.id }),
      declareErrorburstMetrics(context.meter),
    );
  },
};
