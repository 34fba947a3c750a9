import { BufferHeader } from '@otelgate/pipelines/buffer/buffer.ts';
import { replayDeadLetters } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-replay.ts';
import { KafkaDeadLetterHeader } from '@otelgate/pipelines/buffer/kafka/dead-letters.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'error' });
let brokers: string[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  brokers = await sharedBrokers();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe('Kafka dead letters', () => {
  it('dead-letters a poison record while its partition keeps moving; list shows why and where; replay re-delivers it once', async () => {
    const config = testKafkaConfig(brokers, {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 1 },
    });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const entries = Array.from({ length: 6 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(i === 2 ? 'poison' : `good-${i}`),
      headers: { seq: String(i), [BufferHeader.tenant]: 'acme' },
    }));
    await buffer.producer.append('logs', entries);

    const delivered: string[] = [];
    const { records } = await consumeUntil(buffer.consumer(), (r) => r.length >= 6, {
      handler: async (batch) => {
        for (const record of batch.records) {
          const text = Buffer.from(record.value).toString();
          if (text === 'poison') {
            await buffer.deadLetters.write(record, { stage: 'decode', reason: 'logs[0]: truncated field' });
          } else delivered.push(text);
        }
      },
    });
    expect(records).toHaveLength(6);
    // The records after the poison one were delivered: the partition did not stop.
    expect(delivered).toEqual(['good-0', 'good-1', 'good-3', 'good-4', 'good-5']);

    const letters = await buffer.deadLetters.list();
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter.stage).toBe('decode');
    expect(letter.reason).toBe('logs[0]: truncated field');
    expect(letter.source).toMatchObject({ signal: 'logs', topic: config.topics!.logs, partition: 0, offset: 2n });
    expect(Buffer.from(letter.entry.value).toString()).toBe('poison');
    expect(Buffer.from(letter.entry.key!).toString()).toBe('k2');
    expect(letter.entry.headers).toEqual({ seq: '2', [BufferHeader.tenant]: 'acme' });

    expect(await buffer.deadLetters.list({ stage: 'elasticsearch' })).toEqual([]);

    const { replayed } = await replayDeadLetters(buffer.deadLetters, buffer.producer, { stage: 'decode' });
    expect(replayed).toBe(1);
    const again = await consumeUntil(buffer.consumer(), (r) => r.length >= 1);
    expect(again.records).toHaveLength(1);
    expect(Buffer.from(again.records[0].value).toString()).toBe('poison');
    expect(again.records[0].offset).toBe(6n);
    expect(again.records[0].headers).toEqual({ seq: '2', [BufferHeader.tenant]: 'acme' });
    expect(Object.keys(again.records[0].headers).some((h) => h.startsWith('otelgate-dlq-'))).toBe(false);

    // The replay marked it on the dead-letter topic: listed no more, and a second replay appends nothing.
    expect(await buffer.deadLetters.list()).toEqual([]);
    expect(await replayDeadLetters(buffer.deadLetters, buffer.producer)).toEqual({ replayed: 0 });
  });

  it('writes the Collector-readable dead-letter headers on the dead-letter topic', async () => {
    const config = testKafkaConfig(brokers);
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    await buffer.producer.append('traces', [{ key: Buffer.from('t'), value: Buffer.from('v'), headers: {} }]);
    const { records } = await consumeUntil(buffer.consumer({ signals: ['traces'] }), (r) => r.length >= 1);
    await buffer.deadLetters.write(records[0], { stage: 'elasticsearch', reason: 'mapper_parsing_exception' });

    // Read the dead-letter topic as a plain topic: the headers are on the record itself.
    const raw = openKafkaBuffer(
      {
        ...config,
        topics: {
          traces: config.deadLetterTopic!,
          metrics: `${config.deadLetterTopic}-m`,
          logs: `${config.deadLetterTopic}-l`,
        },
      },
      { logger },
    );
    closers.push(() => raw.close());
    const dlq = await consumeUntil(
      raw.consumer({ signals: ['traces'], groupId: `${config.consumer!.groupId}-raw` }),
      (r) => r.length >= 1,
    );
    expect(dlq.records[0].headers).toMatchObject({
      [KafkaDeadLetterHeader.reason]: 'mapper_parsing_exception',
      [KafkaDeadLetterHeader.stage]: 'elasticsearch',
      [KafkaDeadLetterHeader.sourceTopic]: config.topics!.traces,
      [KafkaDeadLetterHeader.sourcePartition]: String(records[0].partition),
      [KafkaDeadLetterHeader.sourceOffset]: String(records[0].offset),
    });
  });
});
