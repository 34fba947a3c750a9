// Test fixture for crash-durability.test.ts, run as a child process that the test SIGKILLs.
//   node crash-child.ts append <dir> <first id>  appends from 8 concurrent writers forever and
//                                                prints `ack <id>` for every append that resolved
//   node crash-child.ts consume <dir>            consumes group `workers` slowly and prints
//                                                `handled <first> <last>` before each batch resolves
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { BufferEntry } from '../buffer.ts';
import { openEmbeddedLog } from './open-embedded-log.ts';

/** The record the test expects for `id`: its size and every byte follow from the id. */
export function crashEntry(id: number): BufferEntry {
  const value = Buffer.alloc(100 + ((id * 7919) % 20_000), id % 251);
  value.writeUInt32BE(id, 0);
  return { key: Buffer.from(String(id)), value, headers: { id: String(id) } };
}

async function main(mode: string, dir: string, firstId: number): Promise<void> {
  const log = await openEmbeddedLog(
    { dir, segmentBytes: 256 * 1024, disk: { minFreeBytes: 0 }, batch: { maxRecords: 50 } },
    { logger: pino({ level: 'silent' }) },
  );
  // Writes to a pipe are synchronous on Linux: once written, the parent sees the line even if we die next.
  process.stdout.write('ready\n');
  if (mode === 'consume') {
    await log.consumer('workers').run(async (batch) => {
      await sleep(3);
      process.stdout.write(`handled ${batch.records[0].offset} ${batch.records.at(-1)!.offset}\n`);
    }, new AbortController().signal);
    return;
  }
  let next = firstId;
  const writer = async () => {
    for (;;) {
      const id = next++;
      await log.producer.append('traces', [crashEntry(id)]);
      process.stdout.write(`ack ${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await main(process.argv[2], process.argv[3], Number(process.argv[4] ?? 0));
}
