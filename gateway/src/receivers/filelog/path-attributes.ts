// What a log file's path says about where its lines come from: the file itself, and for the
// Kubernetes and Docker layouts, the pod and container (resource attributes, as the Collector's
// container parser sets them).
import { basename } from 'node:path';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import { dockerMetadata } from './docker-metadata.ts';

// /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log (names cannot hold `_`)
const POD_LOG = /\/pods\/([^/_]+)_([^/_]+)_([^/_]+)\/([^/]+)\/(\d+)\.log(?:\.[^/]*)?$/;
// /var/log/containers/<pod>_<namespace>_<container>-<container id>.log
const CONTAINER_LOG = /\/containers\/([^/_]+)_([^/_]+)_(.+)-([0-9a-f]{64})\.log$/;
// /var/lib/docker/containers/<id>/<id>-json.log
const DOCKER_LOG = /\/containers\/([0-9a-f]{64})\/[0-9a-f]{64}-json\.log(?:\.\d+)?$/;

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** `log.file.path` and `log.file.name` (record attributes). */
export function fileAttributes(path: string): KeyValue[] {
  return [str('log.file.path', path), str('log.file.name', basename(path))];
}

/** `k8s.*` and `container.id` read from the path, where its layout tells them (resource attributes). */
export function resourceAttributesOf(path: string): KeyValue[] {
  const pod = POD_LOG.exec(path);
  if (pod) {
    return [
      str('k8s.namespace.name', pod[1]),
      str('k8s.pod.name', pod[2]),
      str('k8s.pod.uid', pod[3]),
      str('k8s.container.name', pod[4]),
      { key: 'k8s.container.restart_count', value: { intValue: BigInt(pod[5]) } },
    ];
  }
  const container = CONTAINER_LOG.exec(path);
  if (container) {
    return [
      str('k8s.pod.name', container[1]),
      str('k8s.namespace.name', container[2]),
      str('k8s.container.name', container[3]),
      str('container.id', container[4]),
    ];
  }
  const docker = DOCKER_LOG.exec(path);
  if (docker) return [str('container.id', docker[1]), ...dockerMetadata(path)];
  return [];
}
