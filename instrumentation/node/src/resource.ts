import { getResourceDetectors } from '@opentelemetry/auto-instrumentations-node';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceDetector } from '@opentelemetry/resources';
import type { ResolvedNodeTelemetryOptions } from './options.ts';

// The upstream default "all" includes the cloud detectors, which probe metadata addresses on the
// network at start-up; outside that cloud they only cost time. Opt in with OTEL_NODE_RESOURCE_DETECTORS.
const LOCAL_DETECTORS = 'env,host,os,process,container,serviceinstance';

export function resourceDetectors(): ResourceDetector[] {
  const saved = process.env.OTEL_NODE_RESOURCE_DETECTORS;
  if (saved) return getResourceDetectors();
  process.env.OTEL_NODE_RESOURCE_DETECTORS = LOCAL_DETECTORS;
  try {
    return getResourceDetectors();
  } finally {
    delete process.env.OTEL_NODE_RESOURCE_DETECTORS;
  }
}

/** Attributes the detectors do not know; OTEL_RESOURCE_ATTRIBUTES (env detector) wins over these. */
export function baseResource(options: ResolvedNodeTelemetryOptions): Resource {
  const attributes: Record<string, string> = {};
  if (options.serviceVersion) attributes['service.version'] = options.serviceVersion;
  if (options.environment) attributes['deployment.environment.name'] = options.environment;
  return resourceFromAttributes(attributes);
}
