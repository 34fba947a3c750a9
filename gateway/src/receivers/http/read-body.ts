import type { IncomingMessage } from 'node:http';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { ByteAccount } from '../../ingest/admission.ts';
import { inflateWithin } from '../inflate.ts';
import type { ReadDeadline } from '../read-deadline.ts';

/**
 * Reads the raw body, refusing when it is announced or found to be over `limit`. The announced
 * length is only checked, never reserved: each chunk is charged to `account` as it arrives, and
 * `deadline` hears of it. Listens for 'data' rather than iterating the request: the async
 * iterator costs a promise and a microtask turn per chunk on the hot path.
 */
export function readRawBody(
  request: IncomingMessage,
  limit: number,
  account: ByteAccount,
  deadline?: ReadDeadline,
): Promise<Buffer> {
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
      request.off('error', onClose);
      // Stop reading; the caller answers and closes the connection.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      deadline?.received(chunk.length);
      if (received > limit)
        return stop(new OtelgateError('payload-too-large', `request body exceeds the limit of ${limit} bytes`));
      try {
        account.charge(chunk.length);
      } catch (error) {
        return stop(error as Error);
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      request.off('close', onClose);
      request.off('error', onClose);
      deadline?.doneReading();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onClose = () =>
      stop(new OtelgateError('invalid-argument', 'the client closed the connection before the body ended'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('close', onClose);
    // The only error a request stream emits is "aborted" (the connection went away): the client's doing.
    request.once('error', onClose);
    if (deadline) deadline.interrupt = stop;
  });
}

/** Inflates per Content-Encoding, within `limit` decompressed bytes charged to `account` (../inflate.ts). */
export async function decodeContentEncoding(
  body: Buffer,
  encoding: string | undefined,
  limit: number,
  account?: ByteAccount,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  switch (name) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return inflateWithin(body, 'gzip', limit, 'request body', name, account);
    case 'deflate':
    case 'zstd':
      return inflateWithin(body, name, limit, 'request body', name, account);
    default:
      throw new OtelgateError(
        'unsupported-media-type',
        `unsupported Content-Encoding "${name}": use gzip, deflate, zstd or none`,
      );
  }
}
