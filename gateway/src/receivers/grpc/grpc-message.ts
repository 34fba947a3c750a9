// Reading the one request message of a unary gRPC call: a 5-byte prefix (compressed flag,
// big-endian length) and the message. The length is checked against the limit as soon as the
// prefix arrives, so an oversized message is refused before it is buffered. The announced length
// is never reserved: every chunk is charged to the request's account as it arrives, so an
// unfinished message holds against the in-flight limit what it really holds.
import type { Readable } from 'node:stream';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { ByteAccount } from '../../ingest/admission.ts';
import { inflateWithin } from '../inflate.ts';
import type { ReadDeadline } from '../read-deadline.ts';

const PREFIX_BYTES = 5;

export async function readUnaryMessage(
  stream: Readable,
  encoding: string | undefined,
  limit: number,
  account?: ByteAccount,
  deadline?: ReadDeadline,
): Promise<Buffer> {
  const { compressed, message } = await readFrame(stream, limit, account, deadline);
  if (!compressed) return message;
  return decompress(message, (encoding ?? 'identity').toLowerCase(), limit, account);
}

function readFrame(
  stream: Readable,
  limit: number,
  account: ByteAccount | undefined,
  deadline: ReadDeadline | undefined,
): Promise<{ compressed: boolean; message: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let declared = -1;
    let compressed = false;
    const stop = (error: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      deadline?.received(chunk.length);
      try {
        account?.charge(chunk.length);
      } catch (error) {
        return stop(error as Error);
      }
      chunks.push(chunk);
      received += chunk.length;
      if (declared < 0 && received >= PREFIX_BYTES) {
        const head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
        compressed = head[0] === 1;
        declared = head.readUInt32BE(1);
        if (head[0] > 1) stop(new OtelgateError('invalid-argument', `invalid gRPC message flag ${head[0]}`));
        else if (declared > limit) stop(tooLarge(declared, limit));
      }
      if (declared >= 0 && received > PREFIX_BYTES + declared) {
        stop(new OtelgateError('invalid-argument', 'a unary call carried more than one request message'));
      }
    };
    const onEnd = () => {
      stream.off('data', onData);
      stream.off('close', onClose);
      deadline?.doneReading();
      if (received === 0) return reject(new OtelgateError('invalid-argument', 'the call carried no request message'));
      if (declared < 0 || received < PREFIX_BYTES + declared) {
        return reject(new OtelgateError('invalid-argument', 'the request message is truncated'));
      }
      const frame = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      resolve({ compressed, message: frame.subarray(PREFIX_BYTES) });
    };
    // Closed before the end: the client cancelled or the connection went away.
    const onClose = () =>
      stop(deadline?.error ?? new OtelgateError('invalid-argument', 'the client cancelled the call'));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onClose);
    if (deadline) deadline.interrupt = stop;
  });
}

function decompress(message: Buffer, encoding: string, limit: number, account?: ByteAccount): Promise<Buffer> {
  if (encoding === 'gzip' || encoding === 'deflate') {
    return inflateWithin(message, encoding, limit, 'request message', encoding, account);
  }
  throw new OtelgateError(
    'unsupported-media-type',
    `compressed message with grpc-encoding "${encoding}": use gzip, deflate or identity`,
  );
}

function tooLarge(declared: number, limit: number): OtelgateError {
  return new OtelgateError(
    'payload-too-large',
    `request message of ${declared} bytes exceeds the limit of ${limit} bytes (receivers.otlp.grpc.maxRecvMsgSizeMiB)`,
  );
}
