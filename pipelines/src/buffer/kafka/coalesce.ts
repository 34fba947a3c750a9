// Merges the small messages of one send that go to the same partition with the same headers into
// fewer, larger messages. Before the topic's partitions are known ingest keys spans by trace id,
// so a 100-span request becomes ~100 tiny entries, and small requests from many clients arrive
// together; producing each as its own record costs ~1.7 µs of record framing and header encoding,
// and the worker pays per record too. Concatenated Export*ServiceRequests are one valid request (a
// repeated top-level field), and every trace id in a merged message maps to the same partition, so
// "all spans of a trace reach one worker" still holds. The merged message keeps the first entry's
// key (it hashes to the same partition under the producer's partitioner).
//
// Values of `MERGE_BELOW_BYTES` and more are left as they are: the client puts all records of a
// partition into one record batch (one compression, one CRC) anyway, so merging them would only
// save the framing while copying every byte once more (~0.5 ns a byte with the allocation: at
// 4 KiB the copy costs what the record saves). Ingest's per-partition groups (~8 KB each from a
// 51 KB request) and whole requests take that path.
import { type Partitioner, partitionFor } from './partitioner.ts';
import type { ProduceRecord as Message } from './wire/record-batch.ts';

export const MERGE_BELOW_BYTES = 4096;

// Every entry of one append shares its headers object: its signature is computed once.
const signatures = new WeakMap<object, string>();

function headersSignature(headers: Message['headers']): string {
  if (!headers) return '';
  let signature = signatures.get(headers);
  if (signature === undefined) {
    signature = JSON.stringify(Object.entries(headers));
    signatures.set(headers, signature);
  }
  return signature;
}

/**
 * Groups by (partition, headers) and concatenates values under `MERGE_BELOW_BYTES` up to
 * `maxValueBytes` per message; larger values stay messages of their own, in their place in the
 * group's order. Keyless messages are grouped together (the producer spreads them round-robin anyway).
 */
export function coalesceByPartition(
  messages: Message[],
  partitions: number,
  maxValueBytes: number,
  partitioner: Partitioner,
): Message[] {
  if (messages.length < 2) return messages;
  let small = 0;
  for (const message of messages) if (message.value.length < MERGE_BELOW_BYTES) small++;
  if (small < 2) return messages;
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const partition = message.key ? partitionFor(partitioner, message.key, partitions) : -1;
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
      out.push(chunk.length === 1 ? chunk[0] : { ...chunk[0], value: concat(chunk, bytes) });
      chunk = [];
      bytes = 0;
    };
    for (const message of group) {
      const size = message.value.length;
      if (size >= MERGE_BELOW_BYTES) {
        flush();
        out.push(message);
        continue;
      }
      if (chunk.length > 0 && bytes + size > maxValueBytes) flush();
      chunk.push(message);
      bytes += size;
    }
    flush();
  }
  return out;
}

function concat(chunk: Message[], bytes: number): Buffer {
  return Buffer.concat(
    chunk.map((m) => m.value),
    bytes,
  );
}
