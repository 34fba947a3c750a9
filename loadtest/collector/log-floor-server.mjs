// The least a Node process can be while it takes in what the log receivers take in: it reads a
// file dropped into a folder to its end and reads newline-framed lines from a TCP connection,
// counting lines and doing nothing else (no parsing, no records, no buffer). log-receivers.ts
// measures its peak RSS beside otelgate's and the Collector's, the floor of issue 19's memory ratio.
// Plain JavaScript: a .ts file would load Node's type stripper, ~20 MiB this process must not hold.
//   node loadtest/collector/log-floor-server.mjs <watchDir> <syslogPort>
// Prints `filelog N` and `syslog N` (lines counted so far) whenever a count changed, every 50 ms.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const [watchDir, syslogPort] = process.argv.slice(2);
const counts = { filelog: 0, syslog: 0 };
const reported = { filelog: -1, syslog: -1 };
const readBuffer = Buffer.allocUnsafe(1024 * 1024); // as the filelog receiver's one shared read buffer

function countLines(chunk, length) {
  let lines = 0;
  for (let at = chunk.indexOf(10); at >= 0 && at < length; at = chunk.indexOf(10, at + 1)) lines++;
  return lines;
}

let readFiles = 0;
setInterval(() => {
  const path = join(watchDir, 'app.log');
  if (readFiles === 0 && existsSync(path)) {
    readFiles++;
    const fd = openSync(path, 'r');
    let position = 0;
    for (;;) {
      const read = readSync(fd, readBuffer, 0, readBuffer.length, position);
      if (read === 0) break;
      position += read;
      counts.filelog += countLines(readBuffer, read);
    }
    closeSync(fd);
  }
  for (const name of ['filelog', 'syslog']) {
    if (counts[name] === reported[name]) continue;
    reported[name] = counts[name];
    process.stdout.write(`${name} ${counts[name]}\n`);
  }
}, 50);

createServer((socket) => {
  socket.on('data', (chunk) => {
    counts.syslog += countLines(chunk, chunk.length);
  });
}).listen(Number(syslogPort), '127.0.0.1', () => process.stdout.write('ready\n'));
