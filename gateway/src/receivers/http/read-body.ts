import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const zstdDecompress = promisify(zlib.zstdDecompress);

/** Reads the raw body, refusing before buffering when it is announced or found to be over `limit`. */
export async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = Number(request.headers['content-length'] ?? Number.NaN);
  if (announced > limit) {
    throw new OtelgateError(
      'payload-too-large',
      `request body of ${announced} bytes exceeds the limit of ${limit} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) {
      throw new OtelgateError('payload-too-large', `request body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
}

/**
 * Inflates per Content-Encoding. The limit applies to the decompressed bytes and is enforced
 * by zlib while inflating (maxOutputLength), so a small gzip bomb never grows past it.
 */
export async function decodeContentEncoding(
  body: Buffer,
  encoding: string | undefined,
  limit: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  try {
    switch (name) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, { maxOutputLength: limit });
      case 'deflate':
        return await inflate(body, { maxOutputLength: limit });
      case 'zstd':
        return await zstdDecompress(body, { maxOutputLength: limit });
      default:
        throw new OtelgateError(
          'unsupported-media-type',
          `unsupported Content-Encoding "${name}": use gzip, deflate, zstd or none`,
        );
    }
  } catch (error) {
    if (error instanceof OtelgateError) throw error;
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtelgateError('payload-too-large', `request body inflates past the limit of ${limit} bytes`);
    }
    throw new OtelgateError('invalid-argument', `request body is not valid ${name}: ${(error as Error).message}`);
  }
}
