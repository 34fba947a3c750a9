// Produce (acks=all): one request per broker carrying one record batch per partition it leads.
import type { Connection } from './connection.ts';
import { API } from './protocol.ts';

export interface PartitionBatch {
  partition: number;
  batch: Buffer;
}

export interface PartitionResult {
  partition: number;
  errorCode: number;
  /** Offset of the batch's first record (-1 on error). */
  baseOffset: bigint;
  message: string | null;
}

/** Sends the batches of one topic and resolves with each partition's answer. */
export async function produce(
  conn: Connection,
  topic: string,
  batches: readonly PartitionBatch[],
  ackTimeoutMs: number,
): Promise<PartitionResult[]> {
  const size = 64 + topic.length + batches.length * 16;
  const r = await conn.request(
    API.produce.key,
    API.produce.version,
    true,
    (w) => {
      w.compactString(null).int16(-1).int32(ackTimeoutMs);
      w.uvarint(2).compactString(topic);
      w.compactArray(batches, (b) => {
        // The batch goes to the socket as it is (attached, not copied).
        w.int32(b.partition)
          .uvarint(b.batch.length + 1)
          .attach(b.batch)
          .tags();
      });
      w.tags().tags();
    },
    size,
  );
  const results: PartitionResult[] = [];
  r.compactArray(() => {
    r.compactString();
    r.compactArray(() => {
      const partition = r.int32();
      const errorCode = r.int16();
      const baseOffset = r.int64();
      r.int64(); // log append time
      r.int64(); // log start offset
      const recordErrors = r.compactArray(() => {
        r.int32();
        const m = r.compactString();
        r.tags();
        return m;
      });
      const message = r.compactString() ?? recordErrors.find((m) => m) ?? null;
      r.tags();
      results.push({ partition, errorCode, baseOffset, message });
    });
    r.tags();
  });
  return results;
}
