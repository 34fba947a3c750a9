// The least a Node process can be while it answers OTLP: an HTTP/1.1 server and an HTTP/2 (gRPC)
// server that read each request body and answer success, with nothing behind them (no decoding,
// no scan, no buffer). node-floor.ts measures its peak RSS under the same load as the Collector,
// which bounds from below what any Node gateway can reach (issue 14's memory target).
// Plain JavaScript: a .ts file would load Node's type stripper, ~20 MiB this process must not hold.
//   node loadtest/collector/node-floor-server.mjs <httpPort> <grpcPort>
import { createServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';

const [httpPort, grpcPort] = process.argv.slice(2).map(Number);
const EMPTY_GRPC_MESSAGE = Buffer.alloc(5); // uncompressed, length 0: an empty Export*ServiceResponse

createServer((request, response) => {
  const chunks = []; // held to the end, as a gateway must hold a body
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    response.end();
  });
}).listen(httpPort, '127.0.0.1');

createHttp2Server()
  .on('stream', (stream) => {
    const chunks = []; // held to the end, as a gateway must hold a message
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(EMPTY_GRPC_MESSAGE);
    });
  })
  .listen(grpcPort, '127.0.0.1');

process.stdout.write('ready\n');
