// Bounded decompression for both receivers. The limit applies to the decompressed bytes and zlib
// enforces it while inflating (maxOutputLength), so a small gzip bomb never grows past it.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

const INFLATERS = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  zstd: promisify(zlib.zstdDecompress),
};

export type Compression = keyof typeof INFLATERS;

/**
 * Inflates `bytes`; past `limit` decompressed bytes it refuses with `payload-too-large`, on corrupt
 * input with `invalid-argument`. `what` names the bytes in those messages ("request body"), `name`
 * the encoding as the client spelled it.
 */
export async function inflateWithin(
  bytes: Buffer,
  compression: Compression,
  limit: number,
  what: string,
  name: string = compression,
): Promise<Buffer> {
  try {
    return await INFLATERS[compression](bytes, { maxOutputLength: limit });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtelgateError('payload-too-large', `${what} inflates past the limit of ${limit} bytes`);
    }
    throw new OtelgateError('invalid-argument', `${what} is not valid ${name}: ${(error as Error).message}`);
  }
}
