// A TCP proxy in front of a real server whose port can be closed and reopened: the way tests make
// PostgreSQL, Redis or a scrape target "go away" without stopping what other suites share.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.ts';

export class ClosableTcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  readonly host: string;
  readonly targetPort: number;
  readonly port: number;

  private constructor(host: string, targetPort: number, port: number) {
    this.host = host;
    this.targetPort = targetPort;
    this.port = port;
  }

  /** A proxy to `host:targetPort` on a free local port, open. */
  static async start(host: string, targetPort: number): Promise<ClosableTcpProxy> {
    const proxy = new ClosableTcpProxy(host, targetPort, await freePort());
    await proxy.open();
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts forwarding again on the same port. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(this.targetPort, this.host);
        for (const socket of [client, upstream]) {
          this.sockets.add(socket);
          socket.once('close', () => this.sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
      this.server = server;
    });
  }

  /** Refuses new connections and cuts the open ones, as a stopped server would. */
  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
