// Every processor the config can name. Add one line per component.
import type { ProcessorFactory } from '../components/factory.ts';
import { errorburstProcessorFactory } from './errorburst/factory.ts';
import { errorsProcessorFactory } from './errors/factory.ts';
import { geoipProcessorFactory } from './geoip/factory.ts';
import { logmetricsProcessorFactory } from './logmetrics/factory.ts';
import { redactProcessorFactory } from './redact/factory.ts';
import { spanmetricsProcessorFactory } from './spanmetrics/factory.ts';

export const PROCESSOR_FACTORIES: ProcessorFactory[] = [
  geoipProcessorFactory,
  redactProcessorFactory,
  errorsProcessorFactory,
  spanmetricsProcessorFactory,
  errorburstProcessorFactory,
  logmetricsProcessorFactory,
];
