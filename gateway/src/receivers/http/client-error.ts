// What Node's HTTP parser refuses before a request exists (headers too slow, too large, malformed)
// is answered here instead of by Node's bare default, so the client reads which limit it hit and
// the refusal is counted.
import type { Socket } from 'node:net';
import type { HttpReceiverConfig } from '../../config/schema.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';

export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  config: HttpReceiverConfig,
  metrics: ReceiverMetrics,
): void {
  const answer = describe(error, config);
  if (answer.reason) metrics.limitRefusals.add(1, { transport: 'http', reason: answer.reason });
  else if (answer.status) {
    metrics.refusedRequests.add(1, { signal: 'unknown', transport: 'http', reason: 'invalid-argument' });
  }
  // Mid-response (a request is under way) or already gone: nothing can be said, only closed.
  const busy = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
  if (!answer.status || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const body = `${answer.message}\n`;
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.statusText}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Answer {
  status?: number;
  statusText?: string;
  message?: string;
  reason?: 'header-timeout' | 'header-size';
}

function describe(error: NodeJS.ErrnoException, config: HttpReceiverConfig): Answer {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        statusText: 'Request Timeout',
        message: `the request line and headers did not arrive within ${config.readHeaderTimeoutSeconds} s (receivers.otlp.http.readHeaderTimeoutSeconds)`,
        reason: 'header-timeout',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        statusText: 'Request Header Fields Too Large',
        message: 'the request headers exceed 16 KiB (Node.js --max-http-header-size)',
        reason: 'header-size',
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return {};
    default:
      return {
        status: 400,
        statusText: 'Bad Request',
        message: `malformed HTTP request (${error.code ?? error.message})`,
      };
  }
}
