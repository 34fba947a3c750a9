// Merges the messages of one append that go to the same partition with the same headers into
// fewer, larger messages. Ingest keys spans by trace id, so a 100-span request becomes ~100 tiny
// entries; producing each as its own record costs ~3x the CPU of the whole request. Concatenated
// Export*ServiceRequests are one valid request (a repeated top-level field), and every trace id
// in a merged message maps to the same partition, so "all spans of a trace reach one worker"
// still holds. The merged message keeps the first entry's key (it hashes to the same partition).
import type { MessageToProduce } from '@platformatic/kafka';
import { partitionForKey } from './murmur2.ts';

type Message = MessageToProduce<Buffer, Buffer, string, string>;

/** The partition the producer's partitioner picks for `key` (Java-compatible murmur2). */
export function partitionOf(key: Buffer, partitions: number): number {
  return partitionForKey(key, partitions);
}

function headersSignature(headers: Message['headers']): string {
  if (!headers) return '';
  const entries = headers instanceof Map ? [...headers] : Object.entries(headers);
  return JSON.stringify(entries);
}

/**
 * Groups by (partition, headers) and concatenates values up to `maxValueBytes` per message.
 * Keyless messages are grouped together (the producer spreads them round-robin anyway).
 */
export function coalesceByPartition(messages: Message[], partitions: number, maxValueBytes: number): Message[] {
  if (messages.length < 2) return messages;
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const partition = message.key ? partitionOf(message.key, partitions) : -1;
    const id = `${partition}\u0000${headersSignature(message.headers)}`;
    const group = groups.get(id);
    if (group) group.push(message);
    else groups.set(id, [message]);
  }
  if (groups.size === messages.length) return messages;
  const out: Message[] = [];
  for (const group of groups.values()) {
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      out.push(
        chunk.length === 1
          ? chunk[0]
          : {
              ...chunk[0],
              value: Buffer.concat(
                chunk.map((m) => m.value!),
                bytes,
              ),
            },
      );
      chunk = [];
      bytes = 0;
    };
    for (const message of group) {
      const size = message.value!.length;
      if (chunk.length > 0 && bytes + size > maxValueBytes) flush();
      chunk.push(message);
      bytes += size;
    }
    flush();
  }
  return out;
}
