// Bounded decompression for both receivers. The limit applies to the decompressed bytes and is
// enforced while inflating, chunk by chunk, so a small gzip bomb never grows past it; every
// inflated chunk is charged to the request's account as it comes out (zlib's own convenience
// functions collect chunks the same way, so this costs nothing more).
import zlib from 'node:zlib';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { ByteAccount } from '../ingest/admission.ts';

const ENGINES = {
  gzip: zlib.createGunzip,
  deflate: zlib.createInflate,
  zstd: zlib.createZstdDecompress,
};

export type Compression = keyof typeof ENGINES;

/**
 * Inflates `bytes`; past `limit` decompressed bytes it refuses with `payload-too-large`, on corrupt
 * input with `invalid-argument`; when `account` refuses a chunk, with its error. `what` names the
 * bytes in those messages ("request body"), `name` the encoding as the client spelled it.
 */
export function inflateWithin(
  bytes: Buffer,
  compression: Compression,
  limit: number,
  what: string,
  name: string = compression,
  account?: ByteAccount,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const engine = ENGINES[compression]();
    const chunks: Buffer[] = [];
    let total = 0;
    const fail = (error: Error) => {
      engine.removeAllListeners('data');
      engine.removeAllListeners('end');
      engine.close();
      reject(error);
    };
    engine.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit)
        return fail(new OtelgateError('payload-too-large', `${what} inflates past the limit of ${limit} bytes`));
      try {
        account?.charge(chunk.length);
      } catch (error) {
        return fail(error as Error);
      }
      chunks.push(chunk);
    });
    engine.on('error', (error) =>
      fail(new OtelgateError('invalid-argument', `${what} is not valid ${name}: ${error.message}`)),
    );
    engine.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)));
    engine.end(bytes);
  });
}
