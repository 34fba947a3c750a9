import type { ConfigProblem } from './config-problem.ts';
import { formatPath } from './config-problem.ts';
import { parseEndpoint } from './endpoint.ts';
import type { GatewayConfig } from './schema.ts';

/** Every socket the gateway listens on, by config path. A new listener adds its line here. */
function listeners(config: GatewayConfig): { path: string[]; endpoint: string | undefined }[] {
  return [
    { path: ['receivers', 'otlp', 'grpc', 'endpoint'], endpoint: config.receivers.otlp.grpc?.endpoint },
    { path: ['receivers', 'otlp', 'http', 'endpoint'], endpoint: config.receivers.otlp.http?.endpoint },
    { path: ['admin', 'endpoint'], endpoint: config.admin.endpoint },
    // TCP only: receivers.syslog.udp is a UDP socket and may share the TCP listener's port.
    { path: ['receivers', 'syslog', 'tcp', 'endpoint'], endpoint: config.receivers.syslog?.tcp?.endpoint },
    { path: ['receivers', 'alertmanager', 'endpoint'], endpoint: config.receivers.alertmanager?.endpoint },
  ];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** Two listeners on one port and overlapping addresses: the second would fail with EADDRINUSE at start. */
export function listenerClashes(config: GatewayConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen: { path: string[]; host: string; port: number }[] = [];
  for (const { path, endpoint } of listeners(config)) {
    const parsed = endpoint === undefined ? undefined : parseEndpoint(endpoint);
    if (!parsed || parsed.port === 0) continue;
    const host = parsed.host === 'localhost' ? '127.0.0.1' : parsed.host;
    const clash = seen.find(
      (other) =>
        other.port === parsed.port && (other.host === host || WILDCARDS.has(other.host) || WILDCARDS.has(host)),
    );
    if (clash) {
      problems.push({ path, message: `port ${parsed.port} is already used by ${formatPath(clash.path)}` });
    }
    seen.push({ path, host, port: parsed.port });
  }
  return problems;
}
