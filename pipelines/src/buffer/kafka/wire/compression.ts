// Record batch compression, by `buffer.kafka.compression`: gzip and zstd from node:zlib (run on
// the thread pool), lz4 (frame format) and snappy from @platformatic/wasm-utils' WebAssembly
// module, imported only when configured (+6 MiB RSS) so an uncompressed producer never loads it.
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** The codec's id in the record batch attributes (bits 0-2). */
export const COMPRESSION_IDS: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export type Compressor = (data: Buffer) => Promise<Buffer>;

const gzip = promisify(zlib.gzip);
const zstd = promisify(zlib.zstdCompress);

/** The compressor for `codec` (none for 'none'), loading its module on first use. */
export async function compressorFor(codec: Compression): Promise<Compressor | undefined> {
  switch (codec) {
    case 'none':
      return undefined;
    case 'gzip':
      return (data) => gzip(data);
    case 'zstd':
      return (data) => zstd(data);
    case 'lz4': {
      const { lz4Compress } = await import('@platformatic/wasm-utils');
      return async (data) => lz4Compress(data);
    }
    case 'snappy': {
      const { snappyCompress } = await import('@platformatic/wasm-utils');
      return async (data) => snappyCompress(data);
    }
  }
}
