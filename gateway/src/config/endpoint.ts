import { z } from 'zod';

export interface HostPort {
  host: string;
  port: number;
}

const ENDPOINT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):(\d+)$/;

export function parseEndpoint(value: string): HostPort | undefined {
  const match = ENDPOINT.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  const host = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** What is wrong with a `host:port` string, or undefined when nothing is. */
export function endpointProblem(value: string): string | undefined {
  const match = ENDPOINT.exec(value);
  if (!match) return `expected host:port, got ${JSON.stringify(value)}`;
  const port = Number(match[2]);
  if (port > 65535) return `port must be 1–65535, got ${match[2]}`;
  return undefined;
}

/** A `host:port` string (port 0 picks a free port, for tests). */
export function endpointSchema(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .superRefine((value, ctx) => {
      const problem = endpointProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    });
}
