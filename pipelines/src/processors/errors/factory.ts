import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { type ErrorsConfig, errorsConfigSchema } from './config.ts';
import { ErrorTagger } from './error-tagger.ts';
import { ErrorsProcessor } from './errors-processor.ts';
import { declareErrorsMetrics } from './metrics.ts';

export const errorsProcessorFactory: ProcessorFactory<ErrorsConfig> = {
  type: 'errors',
  kind: 'processor',
  configSchema: errorsConfigSchema,
  create(config, context) {
    return new ErrorsProcessor(context.id, new ErrorTagger(config), declareErrorsMetrics(context.meter));
  },
};
