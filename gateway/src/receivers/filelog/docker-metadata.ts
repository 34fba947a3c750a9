// Docker keeps each container's name, image and labels in config.v2.json beside its log file;
// read once when the file is opened, they name the service in Kibana instead of a bare id.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

interface ContainerConfig {
  Name?: unknown;
  Config?: { Image?: unknown; Labels?: Record<string, unknown> | null };
}

/** `container.name`, `container.image.name` and `service.name` (the Compose service, else the container name). */
export function dockerMetadata(logPath: string): KeyValue[] {
  const path = join(dirname(logPath), 'config.v2.json');
  let config: ContainerConfig;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) return [];
    config = JSON.parse(readFileSync(path, 'utf8')) as ContainerConfig;
  } catch {
    return []; // not readable here (another runtime, no permission): the container id stays
  }
  const attributes: KeyValue[] = [];
  const name = typeof config.Name === 'string' ? config.Name.replace(/^\//, '') : undefined;
  const image = config.Config?.Image;
  const service = config.Config?.Labels?.['com.docker.compose.service'];
  if (name) attributes.push({ key: 'container.name', value: { stringValue: name } });
  if (typeof image === 'string') attributes.push({ key: 'container.image.name', value: { stringValue: image } });
  const serviceName = typeof service === 'string' ? service : name;
  if (serviceName) attributes.push({ key: 'service.name', value: { stringValue: serviceName } });
  return attributes;
}
