// The requests this client sends besides Produce (produce-request.ts), each at one fixed flexible
// version that Kafka 2.8 to 4.x all accept; `negotiate` checks the broker's ranges once per
// connection. Field layouts: the Kafka protocol's message definitions (clients/src/main/resources/common/message).
import type { Connection } from './connection.ts';
import { KafkaProtocolError } from './error-codes.ts';
import type { Reader } from './reader.ts';

export const API = {
  produce: { key: 0, version: 9 },
  metadata: { key: 3, version: 12 },
  saslHandshake: { key: 17, version: 1 },
  apiVersions: { key: 18, version: 3 },
  createTopics: { key: 19, version: 7 },
  initProducerId: { key: 22, version: 4 },
  describeConfigs: { key: 32, version: 4 },
  saslAuthenticate: { key: 36, version: 2 },
} as const;

function check(code: number, what: string, detail?: string | null): void {
  if (code !== 0) throw new KafkaProtocolError(code, what, detail);
}

/** ApiVersions: fails when the broker does not accept a version this client speaks. */
export async function negotiate(conn: Connection, needed: readonly (keyof typeof API)[]): Promise<void> {
  const r = await conn.request(API.apiVersions.key, API.apiVersions.version, true, (w) =>
    w.compactString('otelgate').compactString('1').tags(),
  );
  const code = r.int16();
  check(code, `ApiVersions to ${conn.address}`);
  const ranges = new Map<number, [number, number]>();
  for (const range of r.compactArray(() => {
    const entry = { key: r.int16(), min: r.int16(), max: r.int16() };
    r.tags();
    return entry;
  }))
    ranges.set(range.key, [range.min, range.max]);
  for (const name of needed) {
    const { key, version } = API[name];
    const range = ranges.get(key);
    if (!range || version < range[0] || version > range[1]) {
      throw new KafkaProtocolError(
        35,
        `${conn.address} does not accept ${name} v${version}`,
        range ? `${range[0]}-${range[1]}` : 'absent',
      );
    }
  }
}

export interface PartitionMetadata {
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface TopicMetadata {
  /** 0, or the error the broker gave for the topic (UNKNOWN_TOPIC_OR_PARTITION, ...). */
  errorCode: number;
  partitions: PartitionMetadata[];
}

export interface ClusterMetadata {
  brokers: Map<number, { host: string; port: number }>;
  topics: Map<string, TopicMetadata>;
}

/** Metadata for `topics` (all topics when null); never creates topics. */
export async function fetchMetadata(conn: Connection, topics: readonly string[] | null): Promise<ClusterMetadata> {
  const r = await conn.request(API.metadata.key, API.metadata.version, true, (w) =>
    w
      .compactArray(topics, (name) => {
        w.raw(ZERO_UUID).compactString(name).tags();
      })
      .bool(false)
      .bool(false)
      .tags(),
  );
  r.int32(); // throttle
  const brokers = new Map<number, { host: string; port: number }>();
  r.compactArray(() => {
    const id = r.int32();
    const host = r.compactString() ?? '';
    const port = r.int32();
    r.compactString(); // rack
    r.tags();
    brokers.set(id, { host, port });
  });
  r.compactString(); // cluster id
  r.int32(); // controller
  const result = new Map<string, TopicMetadata>();
  r.compactArray(() => {
    const errorCode = r.int16();
    const name = r.compactString() ?? '';
    r.skip(16); // topic id
    r.bool(); // internal
    const partitions: PartitionMetadata[] = [];
    r.compactArray(() => {
      r.int16(); // partition error: the leader says it all
      const index = r.int32();
      const leader = r.int32();
      const leaderEpoch = r.int32();
      const replicas = r.compactArray(() => r.int32());
      const isr = r.compactArray(() => r.int32());
      r.compactArray(() => r.int32()); // offline
      r.tags();
      partitions[index] = { leader, leaderEpoch, replicas, isr };
    });
    r.int32(); // authorized operations
    r.tags();
    result.set(name, { errorCode, partitions });
  });
  return { brokers, topics: result };
}

const ZERO_UUID = Buffer.alloc(16);

/** A new producer id for the idempotent producer (no transactional id). */
export async function initProducerId(conn: Connection): Promise<{ producerId: bigint; epoch: number }> {
  const r = await conn.request(API.initProducerId.key, API.initProducerId.version, true, (w) =>
    w.compactString(null).int32(60_000).int64(-1).int16(-1).tags(),
  );
  r.int32();
  check(r.int16(), `InitProducerId from ${conn.address}`);
  return { producerId: r.int64(), epoch: r.int16() };
}

export async function saslHandshake(conn: Connection, mechanism: string): Promise<void> {
  const r = await conn.request(API.saslHandshake.key, API.saslHandshake.version, false, (w) => w.string(mechanism));
  const code = r.int16();
  const offered = r.array(() => r.string());
  check(code, `SASL handshake with ${conn.address}`, `${mechanism} not among ${offered.join(', ')}`);
}

export async function saslAuthenticate(conn: Connection, bytes: Buffer): Promise<Buffer> {
  const r = await conn.request(API.saslAuthenticate.key, API.saslAuthenticate.version, true, (w) =>
    w.compactBytes(bytes).tags(),
  );
  const code = r.int16();
  const message = r.compactString();
  check(code, `SASL authentication with ${conn.address}`, message);
  return r.compactBytes() ?? Buffer.alloc(0);
}

export interface TopicToCreate {
  name: string;
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor: number;
}

/** CreateTopics; a topic that exists already is not an error. Returns the names created. */
export async function createTopics(conn: Connection, topics: TopicToCreate[], timeoutMs: number): Promise<string[]> {
  const r = await conn.request(API.createTopics.key, API.createTopics.version, true, (w) =>
    w
      .compactArray(topics, (t) => {
        w.compactString(t.name).int32(t.partitions).int16(t.replicationFactor);
        w.compactArray([], () => {})
          .compactArray([], () => {})
          .tags();
      })
      .int32(timeoutMs)
      .bool(false)
      .tags(),
  );
  r.int32();
  const created: string[] = [];
  const failures: KafkaProtocolError[] = [];
  r.compactArray(() => {
    const name = r.compactString() ?? '';
    r.skip(16);
    const code = r.int16();
    const message = r.compactString();
    r.int32();
    r.int16();
    skipNullableConfigs(r);
    r.tags();
    if (code === 0) created.push(name);
    else if (code !== 36) failures.push(new KafkaProtocolError(code, `creating topic ${name}`, message));
  });
  if (failures.length > 0) throw failures[0];
  return created;
}

function skipNullableConfigs(r: Reader): void {
  r.compactArray(() => {
    r.compactString();
    r.compactString();
    r.bool();
    r.int8();
    r.bool();
    r.tags();
  });
}

/** DescribeConfigs of topics for the given keys: topic -> key -> value (null when unset). */
export async function describeTopicConfigs(
  conn: Connection,
  topics: readonly string[],
  keys: readonly string[],
): Promise<Map<string, Map<string, string | null>>> {
  const r = await conn.request(API.describeConfigs.key, API.describeConfigs.version, true, (w) =>
    w
      .compactArray(topics, (topic) => {
        w.int8(2).compactString(topic);
        w.compactArray(keys, (key) => w.compactString(key)).tags();
      })
      .bool(false)
      .bool(false)
      .tags(),
  );
  r.int32();
  const result = new Map<string, Map<string, string | null>>();
  r.compactArray(() => {
    const code = r.int16();
    const message = r.compactString();
    r.int8();
    const name = r.compactString() ?? '';
    const configs = new Map<string, string | null>();
    r.compactArray(() => {
      const key = r.compactString() ?? '';
      const value = r.compactString();
      r.bool();
      r.int8();
      r.bool();
      r.compactArray(() => {
        r.compactString();
        r.compactString();
        r.int8();
        r.tags();
      });
      r.int8();
      r.compactString();
      r.tags();
      configs.set(key, value);
    });
    r.tags();
    check(code, `describing the configuration of topic ${name}`, message);
    result.set(name, configs);
  });
  return result;
}
