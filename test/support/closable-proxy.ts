// An HTTP proxy in front of a real server whose port can be closed and reopened: the way tests
// make Elasticsearch "go away" without stopping the node other suites share.
import { createServer, request, type Server } from 'node:http';
import { freePort } from './free-port.ts';

export class ClosableProxy {
  private server: Server | undefined;

  readonly target: string;
  readonly port: number;

  private constructor(target: string, port: number) {
    this.target = target;
    this.port = port;
  }

  /** A proxy to `target` (e.g. `http://127.0.0.1:19200`) on a free port; open unless `closed`. */
  static async start(target: string, options: { closed?: boolean } = {}): Promise<ClosableProxy> {
    const proxy = new ClosableProxy(target, await freePort());
    if (!options.closed) await proxy.open();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts forwarding again on the same port. */
  open(): Promise<void> {
    return new Promise((resolve) => {
      this.server = createServer((req, res) => {
        const to = new URL(req.url ?? '/', this.target);
        const upstream = request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  /** Refuses new connections and cuts the open ones, as a stopped server would. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const server = this.server;
      this.server = undefined;
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
