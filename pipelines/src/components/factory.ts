import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ComponentContext, Exporter, Processor } from './component.ts';

export interface FactoryContext extends ComponentContext {
  /** The configured id, `type` or `type/name` (Collector style), e.g. `elasticsearch/logs`. */
  id: string;
  /** The gateway's data directory (buffer.embedded.dir), for components that keep state on disk. */
  dataDir: string;
  logger: Logger;
  /**
   * Where the component declares its own instruments, at creation (never at module load: the
   * OpenTelemetry API has no proxy meter, so an instrument made before the provider is a no-op).
   */
  meter: Meter;
}

/**
 * A component's factory: its config schema (zod, with every default; the single source
 * of truth for options and docs) and how to build it from a validated config.
 */
export interface ComponentFactory<Kind extends 'processor' | 'exporter', Config, Built> {
  readonly type: string;
  readonly kind: Kind;
  readonly configSchema: z.ZodType<Config>;
  create(config: Config, context: FactoryContext): Built | Promise<Built>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds factories of every config type
export type ProcessorFactory<Config = any> = ComponentFactory<'processor', Config, Processor>;
// biome-ignore lint/suspicious/noExplicitAny: the registry holds factories of every config type
export type ExporterFactory<Config = any> = ComponentFactory<'exporter', Config, Exporter>;
