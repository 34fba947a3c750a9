import { z } from 'zod';

export interface HostPort {
  host: string;
  port: number;
}

const ENDPOINT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/;

export function parseEndpoint(value: string): HostPort | undefined {
  const match = ENDPOINT.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  const host = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** A `host:port` string (port 0 picks a free port, for tests). */
export function endpointSchema(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .refine((value) => parseEndpoint(value) !== undefined, {
      error: (issue) => `expected host:port, got ${JSON.stringify(issue.input)}`,
    });
}
