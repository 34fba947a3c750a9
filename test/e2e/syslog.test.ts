// The syslog receiver end to end: util-linux `logger` and hand-written RFC 5424 senders over UDP,
// TCP and TLS into a real gateway, delivered through the embedded log to the file exporter.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExportedLog, exportedLogs } from '../support/exported-logs.ts';
import { eventually } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const gateways: GatewayProcess[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.kill('SIGKILL')));
});

async function syslogGateway(syslog: Record<string, unknown>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({ config: { receivers: { syslog: { flushIntervalMs: 20, ...syslog } } } });
  gateways.push(gateway);
  return gateway;
}

function logsOf(gateway: GatewayProcess): ExportedLog[] {
  return exportedLogs(join(gateway.dir, 'out.ndjson'));
}

async function logsEventually(gateway: GatewayProcess, count: number, timeoutMs = 30_000): Promise<ExportedLog[]> {
  return eventually(() => {
    const logs = logsOf(gateway);
    return logs.length >= count ? logs : undefined;
  }, timeoutMs).catch(() => logsOf(gateway));
}

async function metric(gateway: GatewayProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function logger(args: string[]): void {
  execFileSync('logger', args, { stdio: 'pipe' });
}

function sendUdp(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = datagrams.length;
    for (const datagram of datagrams) {
      socket.send(datagram, port, '127.0.0.1', (error) => {
        if (error) reject(error);
        if (--left === 0) {
          socket.close();
          resolve();
        }
      });
    }
  });
}

/** A hand-written RFC 5424 message (octet-counted when framed for TCP). */
function rfc5424(n: number, text = `hand-written ${n}`): string {
  return `<${16 * 8 + 4}>1 2026-12-04T12:00:00.${String(n % 1000).padStart(3, '0')}Z sender-host handapp ${n} MSG${n} [seq@32473 n="${n}"] ${text}`;
}

function octetCounted(message: string): Buffer {
  const bytes = Buffer.from(message);
  return Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
}

describe('syslog receiver', () => {
  it('takes RFC 5424 and RFC 3164 from logger over UDP and TCP, both TCP framings', async () => {
    const udp = await freePort();
    const tcp = await freePort();
    const gateway = await syslogGateway({
      udp: { endpoint: `127.0.0.1:${udp}` },
      tcp: { endpoint: `127.0.0.1:${tcp}` },
    });
    const common = ['--server', '127.0.0.1', '-t', 'myapp'];
    logger([
      ...common,
      '--port',
      String(udp),
      '--udp',
      '--rfc5424',
      '--msgid',
      'M1',
      '--sd-id',
      'ex@32473',
      '--sd-param',
      'k="v"',
      '-p',
      'local0.err',
      'udp 5424',
    ]);
    logger([...common, '--port', String(udp), '--udp', '--rfc3164', '-p', 'user.warning', 'udp 3164']);
    logger([...common, '--port', String(tcp), '--tcp', '--rfc5424', '-p', 'daemon.notice', 'tcp newline']);
    logger([...common, '--port', String(tcp), '--tcp', '--octet-count', '--rfc3164', '-p', 'auth.debug', 'tcp octets']);
    const logs = await logsEventually(gateway, 4);
    const byBody = new Map(logs.map((log) => [log.body, log]));
    expect([...byBody.keys()].sort()).toEqual(['tcp newline', 'tcp octets', 'udp 3164', 'udp 5424']);
    expect(byBody.get('udp 5424')).toMatchObject({
      severityNumber: 17,
      severityText: 'err',
      attributes: {
        'syslog.facility': '16',
        'syslog.version': '1',
        'syslog.appname': 'myapp',
        'syslog.msgid': 'M1',
        'syslog.structured_data': { 'ex@32473': { k: 'v' } },
        'network.peer.address': '127.0.0.1',
      },
    });
    expect(byBody.get('udp 3164')).toMatchObject({
      severityNumber: 13,
      severityText: 'warning',
      attributes: { 'syslog.facility': '1', 'syslog.version': '0', 'syslog.appname': 'myapp' },
    });
    expect(byBody.get('tcp newline')).toMatchObject({ severityNumber: 10, severityText: 'notice' });
    expect(byBody.get('tcp octets')).toMatchObject({ severityNumber: 5, attributes: { 'syslog.facility': '4' } });
    // A real timestamp from the message, not 0.
    expect(BigInt(byBody.get('udp 5424')?.timeUnixNano ?? 0)).toBeGreaterThan(0n);
  });

  it('takes a hand-written RFC 5424 stream over TLS, with a client certificate when a CA is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syslog-tls-'));
    const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=test-ca',
    ]);
    for (const name of ['server', 'client']) {
      openssl([
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name === 'server' ? 'localhost' : 'client'}`,
      ]);
      writeExt(dir, name);
      openssl([
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
      ]);
    }
    const port = await freePort();
    const gateway = await syslogGateway({
      tcp: {
        endpoint: `127.0.0.1:${port}`,
        tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), clientCaFile: join(dir, 'ca.pem') },
      },
    });
    const ca = readFileSync(join(dir, 'ca.pem'));
    const socket = connectTls({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca,
      cert: readFileSync(join(dir, 'client.pem')),
      key: readFileSync(join(dir, 'client.key')),
    });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    for (let n = 0; n < 50; n++) socket.write(octetCounted(rfc5424(n)));
    socket.end();
    const logs = await logsEventually(gateway, 50);
    expect(logs.map((log) => log.body).sort()).toEqual(
      Array.from({ length: 50 }, (_, n) => `hand-written ${n}`).sort(),
    );
    expect(logs.find((log) => log.body === 'hand-written 7')).toMatchObject({
      severityNumber: 13,
      attributes: {
        'syslog.facility': '16',
        'syslog.hostname': 'sender-host',
        'syslog.procid': '7',
        'syslog.msgid': 'MSG7',
        'syslog.structured_data': { 'seq@32473': { n: '7' } },
      },
    });
    // Without a client certificate the handshake fails.
    const refused = connectTls({ port, host: '127.0.0.1', servername: 'localhost', ca });
    const outcome = await new Promise<string>((resolve) => {
      refused.once('error', (error) => resolve(`error: ${error.message}`));
      refused.once('secureConnect', () =>
        refused.once('close', () => resolve('closed')).once('error', (e) => resolve(`error: ${e.message}`)),
      );
    });
    expect(outcome).toMatch(/error|closed/);
    refused.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logsOf(gateway)).toHaveLength(50);
  });

  it.each([
    ['maxPendingRecords', { maxPendingRecords: 200 }],
    ['maxPendingBytes', { maxPendingBytes: 20_000 }],
  ])('pushes back on a fast TCP sender instead of dropping, bounded by %s: every message arrives', async (_, limit) => {
    const port = await freePort();
    const gateway = await syslogGateway({
      tcp: { endpoint: `127.0.0.1:${port}` },
      ...limit,
      maxBatchRecords: 100,
    });
    const socket = connectTcp(port, '127.0.0.1');
    socket.on('error', () => {}); // a reset when the gateway is killed after the test is not this test's failure
    await new Promise((resolve) => socket.once('connect', resolve));
    const COUNT = 5000;
    const chunks: Buffer[] = [];
    for (let n = 0; n < COUNT; n++) chunks.push(octetCounted(rfc5424(n)));
    socket.end(Buffer.concat(chunks));
    const logs = await logsEventually(gateway, COUNT, 60_000);
    expect(new Set(logs.map((log) => log.body)).size).toBe(COUNT);
    expect(await metric(gateway, 'otelgate_syslog_backpressure_pauses_total')).toBeGreaterThan(0);
    expect(await metric(gateway, 'otelgate_syslog_dropped_messages_total')).toBe(0);
  });

  it('counts binary garbage, over-size messages and invalid UTF-8, and keeps serving', async () => {
    const udp = await freePort();
    const tcp = await freePort();
    const gateway = await syslogGateway({
      udp: { endpoint: `127.0.0.1:${udp}`, maxMessageBytes: 2048 },
      tcp: { endpoint: `127.0.0.1:${tcp}`, maxMessageBytes: 64 * 1024 },
    });
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256));
    garbage[0] = 0xff;
    await sendUdp(udp, [
      garbage,
      Buffer.from(rfc5424(1, 'y'.repeat(4000))),
      Buffer.concat([Buffer.from('<14>1 - h app - - - bad \xff\xfe utf8', 'latin1')]),
    ]);
    const socket = connectTcp(tcp, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.concat([garbage, Buffer.from('\n')]));
    socket.write(`<14>1 - h app - - - ${'z'.repeat(1024 * 1024)}\n`);
    socket.write(octetCounted(rfc5424(2, 'after the bad ones')));
    socket.write(`${70 * 1024} `); // announces more than the limit: skipped, not held
    socket.end(Buffer.alloc(70 * 1024, 'q'));
    await sendUdp(udp, [Buffer.from(rfc5424(3, 'udp still fine'))]);
    const logs = await logsEventually(gateway, 4);
    const bodies = logs.map((log) => log.body);
    expect(bodies).toContain('bad \uFFFD\uFFFD utf8');
    expect(bodies).toContain('after the bad ones');
    expect(bodies).toContain('udp still fine');
    const cut = bodies.find((body) => body.startsWith('zzz'));
    expect(cut?.length).toBeLessThanOrEqual(64 * 1024);
    expect(await metric(gateway, 'otelgate_syslog_dropped_messages_total', 'transport="udp",reason="malformed"')).toBe(
      1,
    );
    expect(await metric(gateway, 'otelgate_syslog_dropped_messages_total', 'transport="udp",reason="too_large"')).toBe(
      1,
    );
    expect(
      await metric(gateway, 'otelgate_syslog_dropped_messages_total', 'transport="tcp",reason="malformed"'),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric(gateway, 'otelgate_syslog_dropped_messages_total', 'transport="tcp",reason="too_large"')).toBe(
      1,
    );
    expect(await metric(gateway, 'otelgate_syslog_truncated_messages_total')).toBe(1);
    expect(await metric(gateway, 'otelgate_syslog_invalid_utf8_messages_total')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
  });
});

function writeExt(dir: string, name: string): void {
  const ext =
    name === 'server'
      ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n';
  execFileSync('sh', ['-c', `printf '${ext}' > ${name}.ext`], { cwd: dir });
}
