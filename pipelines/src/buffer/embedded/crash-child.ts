// Test fixture for the kill -9 test (crash-durability.test.ts), run as a child process:
// appends from several concurrent writers forever and prints `ack <id>` for every append
// that resolved. Usage: node crash-appender.ts <dir> <first id>
import pino from 'pino';
import type { BufferEntry } from '../buffer.ts';
import { openEmbeddedLog } from './open-embedded-log.ts';

/** The record the test expects for `id`: its size and every byte follow from the id. */
export function crashEntry(id: number): BufferEntry {
  const value = Buffer.alloc(100 + ((id * 7919) % 20_000), id % 251);
  value.writeUInt32BE(id, 0);
  return { key: Buffer.from(String(id)), value, headers: { id: String(id) } };
}

async function main(dir: string, firstId: number): Promise<void> {
  const log = await openEmbeddedLog(
    { dir, segmentBytes: 256 * 1024, disk: { minFreeBytes: 0 } },
    { logger: pino({ level: 'silent' }) },
  );
  process.stdout.write('ready\n');
  let next = firstId;
  const writer = async () => {
    for (;;) {
      const id = next++;
      await log.producer.append('traces', [crashEntry(id)]);
      // Synchronous on a pipe (Linux): once written, the parent sees it even if we die next.
      process.stdout.write(`ack ${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await main(process.argv[2], Number(process.argv[3]));
}
