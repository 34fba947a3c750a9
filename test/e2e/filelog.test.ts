// The filelog receiver end to end: real files written as applications, Docker and CRI write
// them, read by a real gateway, delivered through the embedded log to the file exporter.
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExportedLog, exportedLogs } from '../support/exported-logs.ts';
import { eventually } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const gateways: GatewayProcess[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.kill('SIGKILL')));
});

async function gatewayFollowing(filelog: Record<string, unknown>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({
    config: { receivers: { filelog: { startAt: 'beginning', pollIntervalMs: 50, forceFlushMs: 200, ...filelog } } },
  });
  gateways.push(gateway);
  return gateway;
}

function logsOf(gateway: GatewayProcess): ExportedLog[] {
  return exportedLogs(join(gateway.dir, 'out.ndjson'));
}

async function bodiesEventually(gateway: GatewayProcess, count: number, timeoutMs = 30_000): Promise<string[]> {
  return eventually(() => {
    const bodies = logsOf(gateway).map((log) => log.body);
    return bodies.length >= count ? bodies : undefined;
  }, timeoutMs).catch(() => logsOf(gateway).map((log) => log.body));
}

async function metric(gateway: GatewayProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      if (labels && !line.includes(labels)) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

const ID = 'c0ffee'.padEnd(64, '0');
const dockerLine = (log: string, stream = 'stdout', time = '2024-05-06T07:08:09.123456789Z') =>
  `${JSON.stringify({ log, stream, time })}\n`;

describe('filelog receiver', () => {
  it('reads plain, Docker json-file and CRI files, with pod and container attributes, severity and JSON fields', async () => {
    const root = mkdtempSync(join(tmpdir(), 'filelog-formats-'));
    const dockerDir = join(root, 'containers', ID);
    const podDir = join(root, 'pods', 'shop_cart-7d9f_1b2c-3d4e', 'server');
    mkdirSync(dockerDir, { recursive: true });
    mkdirSync(podDir, { recursive: true });
    writeFileSync(
      join(dockerDir, 'config.v2.json'),
      JSON.stringify({
        Name: '/otelgate-kafka-1',
        Config: { Image: 'apache/kafka:4.3.1', Labels: { 'com.docker.compose.service': 'kafka' } },
      }),
    );
    writeFileSync(join(root, 'app.log'), 'plain INFO one\r\n{"level":"warn","msg":"json two","user":{"id":7}}\n');
    writeFileSync(
      join(dockerDir, `${ID}-json.log`),
      dockerLine('docker ERROR whole\n') + dockerLine('docker split ', 'stderr') + dockerLine('in two\n', 'stderr'),
    );
    writeFileSync(
      join(podDir, '0.log'),
      '2024-05-06T07:08:09.000000001Z stdout P cri DEBUG first \n2024-05-06T07:08:10Z stdout F and last\n2024-05-06T07:08:11Z stderr F cri alone\n',
    );
    const gateway = await gatewayFollowing({
      include: [`${root}/*.log`, `${root}/containers/*/*-json.log`, `${root}/pods/*/*/*.log`],
      parseJson: true,
      severity: { field: 'level', pattern: '\\b(?<level>DEBUG|INFO|WARN|ERROR)\\b' },
    });
    const bodies = await bodiesEventually(gateway, 6);
    expect(bodies.sort()).toEqual(
      [
        'plain INFO one',
        '{"level":"warn","msg":"json two","user":{"id":7}}',
        'docker ERROR whole',
        'docker split in two',
        'cri DEBUG first and last',
        'cri alone',
      ].sort(),
    );
    const byBody = new Map(logsOf(gateway).map((log) => [log.body, log]));
    expect(byBody.get('plain INFO one')).toMatchObject({
      severityNumber: 9,
      severityText: 'INFO',
      attributes: { 'log.file.path': join(root, 'app.log'), 'log.file.name': 'app.log' },
    });
    expect(byBody.get('{"level":"warn","msg":"json two","user":{"id":7}}')).toMatchObject({
      severityNumber: 13,
      attributes: { level: 'warn', msg: 'json two', user: { id: '7' } },
    });
    expect(byBody.get('docker ERROR whole')).toMatchObject({
      severityNumber: 17,
      timeUnixNano: String(BigInt(Date.UTC(2024, 4, 6, 7, 8, 9)) * 1_000_000n + 123_456_789n),
      attributes: { 'log.iostream': 'stdout' },
      resource: {
        'container.id': ID,
        'container.name': 'otelgate-kafka-1',
        'container.image.name': 'apache/kafka:4.3.1',
        'service.name': 'kafka',
      },
    });
    expect(byBody.get('docker split in two')?.attributes['log.iostream']).toBe('stderr');
    expect(byBody.get('cri DEBUG first and last')).toMatchObject({
      severityNumber: 5,
      resource: {
        'k8s.namespace.name': 'shop',
        'k8s.pod.name': 'cart-7d9f',
        'k8s.pod.uid': '1b2c-3d4e',
        'k8s.container.name': 'server',
      },
    });
    expect(byBody.get('cri alone')?.attributes['log.iostream']).toBe('stderr');
  });

  it('joins Java and Python stack traces into one record each', async () => {
    const root = mkdtempSync(join(tmpdir(), 'filelog-multiline-'));
    const java = [
      '2024-05-06 07:08:09 ERROR request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.Service.handle(Service.java:42)',
      'Caused by: java.io.IOException: disk full',
      '\t... 1 more',
    ];
    const python = [
      '2024-05-06 07:08:10 ERROR unhandled',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      '    main()',
      'ValueError: bad value',
    ];
    writeFileSync(join(root, 'app.log'), `${[...java, ...python].join('\n')}\n2024-05-06 07:08:11 INFO last\n`);
    const gateway = await gatewayFollowing({
      include: [`${root}/*.log`],
      multiline: { lineStartPattern: '^\\d{4}-\\d{2}-\\d{2} ' },
    });
    // The last record is only known complete after forceFlushMs of quiet.
    expect(await bodiesEventually(gateway, 3)).toEqual([
      java.join('\n'),
      python.join('\n'),
      '2024-05-06 07:08:11 INFO last',
    ]);
  });

  it('follows rename-and-create and copytruncate rotation, and finishes a file deleted while open', async () => {
    const root = mkdtempSync(join(tmpdir(), 'filelog-rotate-'));
    const renamed = join(root, 'renamed.log');
    const copied = join(root, 'copied.log');
    const deleted = join(root, 'deleted.log');
    writeFileSync(renamed, 'r1\n');
    writeFileSync(copied, 'c1\n');
    writeFileSync(deleted, 'd1\n');
    const gateway = await gatewayFollowing({ include: [`${root}/*.log`] });
    await bodiesEventually(gateway, 3);
    // A writer still holding the renamed file finishes its line there, then a new file takes the name.
    renameSync(renamed, join(root, 'renamed.log.1'));
    appendFileSync(join(root, 'renamed.log.1'), 'r2 after rename\n');
    writeFileSync(renamed, 'r3 new file\n');
    // copytruncate: what was read is copied away, the file emptied and written on.
    copyFileSync(copied, join(root, 'copied.log.1'));
    truncateSync(copied, 0);
    appendFileSync(copied, 'c2 after truncate\n');
    appendFileSync(deleted, 'd2 before delete\n');
    rmSync(deleted);
    const bodies = await bodiesEventually(gateway, 7);
    expect(bodies.sort()).toEqual(
      ['c1', 'c2 after truncate', 'd1', 'd2 before delete', 'r1', 'r2 after rename', 'r3 new file'].sort(),
    );
    expect(await metric(gateway, 'otelgate_filelog_rotations_total', 'kind="truncate"')).toBeGreaterThanOrEqual(1);
    expect(await metric(gateway, 'otelgate_filelog_rotations_total', 'kind="rename"')).toBeGreaterThanOrEqual(2);
  });

  it('follows 1,000 files at once', { timeout: 90_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'filelog-many-'));
    const FILES = 1000;
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, `f${i}.log`), `file ${i} line 0\n`);
    const gateway = await gatewayFollowing({ include: [`${root}/*.log`], pollIntervalMs: 200 });
    expect((await bodiesEventually(gateway, FILES, 60_000)).length).toBe(FILES);
    for (let i = 0; i < FILES; i++) appendFileSync(join(root, `f${i}.log`), `file ${i} line 1\n`);
    const bodies = await bodiesEventually(gateway, 2 * FILES, 60_000);
    expect(new Set(bodies).size).toBe(2 * FILES);
    expect(bodies.length).toBe(2 * FILES);
    expect(await metric(gateway, 'otelgate_filelog_files')).toBe(FILES);
  });

  it('counts binary garbage, over-long lines and invalid UTF-8 without crashing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'filelog-bad-'));
    const file = join(root, 'bad.log');
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256).filter((b) => b !== 10));
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('before\n'),
        garbage,
        Buffer.from('\n'),
        Buffer.alloc(1024 * 1024, 'x'),
        Buffer.from('\nbad utf8 \xff\xfe here\n', 'latin1'),
        Buffer.from('after\n'),
      ]),
    );
    const gateway = await gatewayFollowing({ include: [`${root}/*.log`], maxLogSizeBytes: 64 * 1024 });
    const bodies = await bodiesEventually(gateway, 5);
    expect(bodies[0]).toBe('before');
    expect(bodies[2]).toBe('x'.repeat(64 * 1024));
    expect(bodies[3]).toBe('bad utf8 \uFFFD\uFFFD here');
    expect(bodies[4]).toBe('after');
    expect(await metric(gateway, 'otelgate_filelog_truncated_records_total')).toBe(1);
    expect(await metric(gateway, 'otelgate_filelog_invalid_utf8_records_total')).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
  });
});
