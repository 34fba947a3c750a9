// The brokers as this client sees them: one authenticated connection per broker, opened on first
// use and dropped when it closes, and the last metadata answer (leaders per partition).
import type tls from 'node:tls';
import { Connection } from './connection.ts';
import { KafkaConnectionError } from './error-codes.ts';
import { type ClusterMetadata, fetchMetadata, negotiate } from './protocol.ts';
import { authenticate, type SaslOptions } from './sasl.ts';

export interface ClusterOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  clientId: string;
  timeoutMs: number;
  tls?: tls.ConnectionOptions;
  sasl?: SaslOptions;
}

const NEEDED = ['metadata', 'produce', 'initProducerId', 'createTopics', 'describeConfigs'] as const;

function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

export class Cluster {
  readonly #options: ClusterOptions;
  /** By broker id; `-1 - i` for the i-th bootstrap address. */
  readonly #connections = new Map<number, Promise<Connection>>();
  #metadata: ClusterMetadata = { brokers: new Map(), topics: new Map() };
  #closed = false;

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  get metadata(): ClusterMetadata {
    return this.#metadata;
  }

  /** A connection to broker `nodeId`, from the last metadata. */
  connection(nodeId: number): Promise<Connection> {
    const broker = this.#metadata.brokers.get(nodeId);
    if (!broker) return Promise.reject(new KafkaConnectionError(`broker ${nodeId} is not in the cluster metadata`));
    return this.#connect(nodeId, broker.host, broker.port);
  }

  /** Any open connection, else the known brokers and then the bootstrap list in turn. */
  async anyConnection(): Promise<Connection> {
    for (const [, pending] of this.#connections) {
      const conn = await pending.catch(() => undefined);
      if (conn && !conn.closed) return conn;
    }
    const errors: Error[] = [];
    const candidates = [
      ...[...this.#metadata.brokers].map(([id, b]) => ({ id, ...b })),
      ...this.#options.brokers.map((address, i) => ({ id: -1 - i, ...hostPort(address) })),
    ];
    for (const c of candidates) {
      try {
        return await this.#connect(c.id, c.host, c.port);
      } catch (error) {
        errors.push(error as Error);
      }
    }
    throw Object.assign(
      new KafkaConnectionError(`cannot connect to any Kafka broker (${this.#options.brokers.join(', ')})`),
      {
        errors,
      },
    );
  }

  /** Asks for the metadata of `topics` and keeps it (merged over what was known of other topics). */
  async refresh(topics: readonly string[]): Promise<ClusterMetadata> {
    const conn = await this.anyConnection();
    const fresh = await fetchMetadata(conn, topics);
    const merged = new Map(this.#metadata.topics);
    for (const [name, topic] of fresh.topics) merged.set(name, topic);
    this.#metadata = { brokers: fresh.brokers, topics: merged };
    return fresh;
  }

  #connect(id: number, host: string, port: number): Promise<Connection> {
    if (this.#closed) return Promise.reject(new KafkaConnectionError('the Kafka client is closed'));
    let pending = this.#connections.get(id);
    if (!pending) {
      pending = this.#open(host, port);
      this.#connections.set(id, pending);
      pending.then(
        (conn) =>
          conn.onClose(() => {
            if (this.#connections.get(id) === pending) this.#connections.delete(id);
          }),
        () => {
          if (this.#connections.get(id) === pending) this.#connections.delete(id);
        },
      );
    }
    return pending;
  }

  async #open(host: string, port: number): Promise<Connection> {
    const { clientId, timeoutMs, sasl } = this.#options;
    const conn = await Connection.open({ host, port, clientId, timeoutMs, tls: this.#options.tls });
    try {
      await negotiate(conn, sasl ? [...NEEDED, 'saslHandshake', 'saslAuthenticate'] : NEEDED);
      if (sasl) await authenticate(conn, sasl);
      return conn;
    } catch (error) {
      conn.close();
      throw error;
    }
  }

  close(): void {
    this.#closed = true;
    for (const [, pending] of this.#connections)
      pending.then(
        (conn) => conn.close(),
        () => {},
      );
    this.#connections.clear();
  }
}
