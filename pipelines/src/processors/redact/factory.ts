import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { type RedactConfig, redactConfigSchema } from './config.ts';
import { customPatternDetector } from './custom-pattern.ts';
import { BUILTIN_DETECTORS, type BuiltinDetectorName } from './detectors/builtin-detectors.ts';
import { KeyRules } from './key-rules.ts';
import { declareRedactMetrics } from './metrics.ts';
import { RedactProcessor } from './redact-processor.ts';
import { Replacement } from './replacement.ts';
import { type ActiveDetector, StringRedactor } from './string-redactor.ts';
import { SENSITIVE_KEY_KIND, ValueRedactor } from './value-redactor.ts';

/** Builds the value redactor from a validated config (the processor, benchmark and tests share it). */
export function createValueRedactor(config: RedactConfig): ValueRedactor {
  const active: ActiveDetector[] = [];
  for (const [name, options] of Object.entries(config.detectors)) {
    if (options.enabled)
      active.push({ detector: BUILTIN_DETECTORS[name as BuiltinDetectorName], mode: options.mode ?? config.mode });
  }
  for (const pattern of config.customPatterns) {
    active.push({ detector: customPatternDetector(pattern), mode: pattern.mode ?? config.mode });
  }
  const replacement = new Replacement(config.hash.secret, config.hash.hexLength);
  return new ValueRedactor({
    strings: new StringRedactor(active, replacement),
    keys: new KeyRules(config.sensitiveKeys, config.allowKeys),
    keyMode: config.sensitiveKeyMode ?? config.mode,
    replacement,
    maxDepth: config.limits.maxDepth,
    maxStringLength: config.limits.maxStringLength,
  });
}

/** Every `kind` label the config can produce: enabled detectors, custom patterns, sensitive keys. */
export function redactionKinds(config: RedactConfig): string[] {
  const kinds = Object.entries(config.detectors)
    .filter(([, options]) => options.enabled)
    .map(([name]) => BUILTIN_DETECTORS[name as BuiltinDetectorName].kind);
  return [...new Set([...kinds, ...config.customPatterns.map((p) => p.name), SENSITIVE_KEY_KIND])];
}

export const redactProcessorFactory: ProcessorFactory<RedactConfig> = {
  type: 'redact',
  kind: 'processor',
  configSchema: redactConfigSchema,
  create(config, context) {
    return new RedactProcessor(
      context.id,
      config,
      createValueRedactor(config),
      declareRedactMetrics(context.meter, redactionKinds(config)),
    );
  },
};
