// Every processor the config can name. Add one line per component.
import type { ProcessorFactory } from '../components/factory.ts';

export const PROCESSOR_FACTORIES: ProcessorFactory[] = [];
