import { once } from 'node:events';
import type { Server } from 'node:net';
import type { HostPort } from '../config/endpoint.ts';

/** Starts listening, rejecting on EADDRINUSE and the like instead of crashing later. */
export async function listen(server: Server, endpoint: HostPort): Promise<void> {
  server.listen(endpoint.port, endpoint.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw new Error(`cannot listen on ${endpoint.host}:${endpoint.port}: ${(error as Error).message}`);
    }),
  ]);
}

export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
