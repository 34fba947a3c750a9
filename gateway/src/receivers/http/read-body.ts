import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const zstdDecompress = promisify(zlib.zstdDecompress);

/**
 * Reads the raw body, refusing before buffering when it is announced or found to be over `limit`.
 * Listens for 'data' rather than iterating the request: the async iterator costs a promise and a
 * microtask turn per chunk on the hot path.
 */
export function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = Number(request.headers['content-length'] ?? Number.NaN);
  if (announced > limit) {
    return Promise.reject(
      new OtelgateError('payload-too-large', `request body of ${announced} bytes exceeds the limit of ${limit} bytes`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (error: Error) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      request.off('error', stop);
      // Stop reading; the caller answers and closes the connection.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit)
        return stop(new OtelgateError('payload-too-large', `request body exceeds the limit of ${limit} bytes`));
      chunks.push(chunk);
    };
    const onEnd = () => {
      request.off('close', onClose);
      request.off('error', stop);
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onClose = () =>
      stop(new OtelgateError('invalid-argument', 'the client closed the connection before the body ended'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('close', onClose);
    request.once('error', stop);
  });
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
