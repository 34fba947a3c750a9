import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportItem, SignalData } from '../../components/component.ts';
import type { Signal } from '../../model/common.ts';
import { fileExporterConfigSchema } from './config.ts';
import { FileExporter, type ToOtlpJson } from './file-exporter.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-file-exporter-'));
  dirs.push(dir);
  return dir;
}

// Stand-in for the codec's toOtlpJson: these tests are about files, lines and rotation.
const plainJson: ToOtlpJson = (_signal, data) =>
  JSON.stringify(data, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));

function logItem(body: string, offset = 0n): ExportItem<'logs'> {
  const data: SignalData['logs'] = {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: body },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
  return { data, ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset } };
}

function bodiesOf(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line).resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue);
}

function exporter(path: string, rotation: { maxMegabytes?: number; maxBackups?: number } = {}, now?: () => number) {
  const config = fileExporterConfigSchema.parse({ path, rotation });
  return new FileExporter('file', config, plainJson, now);
}

describe('file exporter', () => {
  it('appends one export request per line and creates the folder', async () => {
    const path = join(tempDir(), 'nested', 'out.ndjson');
    const file = exporter(path);
    await file.start();
    expect(await file.export('logs', [logItem('one'), logItem('two')])).toEqual({ rejected: [] });
    expect(await file.export('logs', [logItem('three')])).toEqual({ rejected: [] });
    await file.shutdown();
    expect(bodiesOf(path)).toEqual(['one', 'two', 'three']);
  });

  it('keeps what was in the file and appends after it', async () => {
    const path = join(tempDir(), 'out.ndjson');
    writeFileSync(path, '{"resourceLogs":[]}\n');
    const file = exporter(path);
    await file.export('logs', [logItem('after')]);
    await file.shutdown();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('{"resourceLogs":[]}');
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
  });

  it('confirms concurrent exports from several signals with every line whole', async () => {
    const path = join(tempDir(), 'out.ndjson');
    const file = exporter(path);
    const signals: Signal[] = ['traces', 'metrics', 'logs'];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => file.export(signals[i % 3] as 'logs', [logItem(`line-${i}`, BigInt(i))])),
    );
    await file.shutdown();
    expect(bodiesOf(path).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `line-${i}`).sort());
  });

  it('rejects an item it cannot serialize and writes the others', async () => {
    const path = join(tempDir(), 'out.ndjson');
    const config = fileExporterConfigSchema.parse({ path });
    const file = new FileExporter('file', config, (signal, data) => {
      if (JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? 0 : v)).includes('poison')) {
        throw new Error('not serializable');
      }
      return plainJson(signal, data);
    });
    const result = await file.export('logs', [logItem('fine'), logItem('poison'), logItem('fine too')]);
    await file.shutdown();
    expect(result.rejected).toEqual([{ index: 1, reason: 'cannot write as OTLP/JSON: not serializable' }]);
    expect(bodiesOf(path)).toEqual(['fine', 'fine too']);
  });

  it('rotates by size into <name>-<timestamp>.ndjson, keeping maxBackups, with no line lost or split', async () => {
    const dir = tempDir();
    const path = join(dir, 'out.ndjson');
    const lineBytes = `${plainJson('logs', logItem('line-000').data)}\n`.length;
    const maxBytes = lineBytes * 4;
    // A clock that stands still: backup names must still be distinct and in order.
    const file = exporter(path, { maxMegabytes: maxBytes / (1024 * 1024), maxBackups: 3 }, () => Date.UTC(2026, 0, 1));
    for (let i = 0; i < 30; i++) await file.export('logs', [logItem(`line-${String(i).padStart(3, '0')}`)]);
    await file.shutdown();

    const backups = readdirSync(dir)
      .filter((name) => name !== 'out.ndjson')
      .sort();
    expect(backups).toHaveLength(3);
    for (const name of backups) expect(name).toMatch(/^out-2026-01-01T00-00-00-\d{3}Z\.ndjson$/);
    const files = [...backups.map((name) => join(dir, name)), path];
    for (const name of files) expect(statSync(name).size).toBeLessThanOrEqual(Math.floor(maxBytes));
    const kept = files.flatMap(bodiesOf);
    // The newest lines survive in order; the oldest went with the deleted backups.
    const all = Array.from({ length: 30 }, (_, i) => `line-${String(i).padStart(3, '0')}`);
    expect(kept).toEqual(all.slice(all.length - kept.length));
    expect(kept.length).toBeGreaterThanOrEqual(3 * 3 + 1);
  });

  it('keeps no backups with maxBackups 0 and never rotates with maxMegabytes 0', async () => {
    const dir = tempDir();
    const rotating = exporter(join(dir, 'a.ndjson'), { maxMegabytes: 200 / (1024 * 1024), maxBackups: 0 });
    const growing = exporter(join(dir, 'b.ndjson'), { maxMegabytes: 0 });
    for (let i = 0; i < 20; i++) {
      await rotating.export('logs', [logItem(`r${i}`)]);
      await growing.export('logs', [logItem(`g${i}`)]);
    }
    await rotating.shutdown();
    await growing.shutdown();
    expect(readdirSync(dir).sort()).toEqual(['a.ndjson', 'b.ndjson']);
    expect(bodiesOf(join(dir, 'b.ndjson'))).toHaveLength(20);
    expect(bodiesOf(join(dir, 'a.ndjson')).at(-1)).toBe('r19');
  });

  it('refuses a config without a path, naming the field', () => {
    const result = fileExporterConfigSchema.safeParse({ rotation: { maxBackups: 2 } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['path']);
    expect(result.error!.issues[0].message).toContain('expected string');
  });
});
