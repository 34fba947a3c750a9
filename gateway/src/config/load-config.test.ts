import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from './load-config.ts';

const SMALLEST = `
receivers:
  otlp:
    grpc: { endpoint: 127.0.0.1:4317 }
    http: { endpoint: 127.0.0.1:4318 }
buffer:
  embedded: { dir: ./data }
exporters:
  file: { path: ./data/out.ndjson }
pipelines:
  traces: { exporters: [file] }
  metrics: { exporters: [file] }
  logs: { exporters: [file] }
admin:
  endpoint: 127.0.0.1:13133
`;

describe('config loading', () => {
  it('accepts the smallest useful config exactly as documented, filling defaults', () => {
    const config = parseConfigText(SMALLEST);
    expect(config.receivers.otlp.http?.endpoint).toBe('127.0.0.1:4318');
    expect(config.receivers.otlp.http?.maxRequestBodyBytes).toBe(20 * 1024 * 1024);
    expect(config.buffer.embedded.dir).toBe('./data');
    expect(config.exporters).toEqual({ file: { path: './data/out.ndjson' } });
    expect(config.pipelines.logs).toEqual({ processors: ['geoip', 'redact', 'errors'], exporters: ['file'] });
    expect(config.pipelines.metrics).toEqual({ processors: [], exporters: ['file'] });
    expect(Object.keys(config.processors)).toEqual(['geoip', 'redact', 'errors']);
    expect(config.admin.endpoint).toBe('127.0.0.1:13133');
    expect(config.service.role).toBe('both');
  });

  it('runs on embedded defaults from an empty file: OTLP on 4317/4318, admin on 13133, debug exporter', () => {
    const config = parseConfigText('');
    expect(config.receivers.otlp.grpc?.endpoint).toBe('127.0.0.1:4317');
    expect(config.receivers.otlp.http?.endpoint).toBe('127.0.0.1:4318');
    expect(config.admin.endpoint).toBe('127.0.0.1:13133');
    expect(config.pipelines.traces?.exporters).toEqual(['debug']);
  });

  it('runs geoip, redact and errors on traces and logs unless a pipeline names its own processors', () => {
    const config = parseConfigText(
      'processors:\n  redact: { mode: drop }\nexporters:\n  file: { path: x }\npipelines:\n  traces: { exporters: [file] }\n  logs: { processors: [], exporters: [file] }\n',
    );
    expect(config.pipelines.traces?.processors).toEqual(['geoip', 'redact', 'errors']);
    expect(config.pipelines.logs?.processors).toEqual([]);
    expect(config.processors.redact).toEqual({ mode: 'drop' });
    expect(config.processors.geoip).toEqual({});
  });

  it('names the path, the value and what was expected for a bad endpoint', () => {
    expect(() => parseConfigText('receivers:\n  otlp:\n    http: { endpoint: abc }\n')).toThrow(
      'receivers.otlp.http.endpoint: expected host:port, got "abc"',
    );
  });

  it('refuses unknown keys at any level', () => {
    expect(() => parseConfigText('recievers: {}\n')).toThrow('(top level): unknown key "recievers"');
    expect(() => parseConfigText('admin: { endpont: 127.0.0.1:1 }\n')).toThrow('admin: unknown key "endpont"');
  });

  it('refuses a port out of range and a pipeline without exporters', () => {
    expect(() => parseConfigText('admin: { endpoint: "127.0.0.1:70000" }\n')).toThrow(
      'admin.endpoint: port must be 1–65535, got 70000',
    );
    expect(() => parseConfigText('pipelines:\n  traces: { exporters: [] }\n')).toThrow(
      'pipelines.traces.exporters: a pipeline needs at least one exporter',
    );
  });

  it('substitutes ${env:NAME}, with defaults, and reports an unset variable by path', () => {
    const config = parseConfigText('admin: { endpoint: "${env:ADMIN_HOST}:${env:ADMIN_PORT:-9999}" }\n', {
      ADMIN_HOST: '0.0.0.0',
    });
    expect(config.admin.endpoint).toBe('0.0.0.0:9999');
    expect(() => parseConfigText('buffer: { embedded: { dir: "${env:NOPE}" } }\n', {})).toThrow(
      'buffer.embedded.dir: environment variable NOPE is not set',
    );
  });

  it('keeps $${env:NAME} literal', () => {
    const config = parseConfigText('buffer: { embedded: { dir: "/x/$${env:HOME}" } }\n', { HOME: '/root' });
    expect(config.buffer.embedded.dir).toBe('/x/${env:HOME}');
  });

  it('reports invalid YAML and a missing file clearly', async () => {
    expect(() => parseConfigText('receivers: [\n')).toThrow(/not valid YAML/);
    await expect(loadConfigFile('/nonexistent/otelgate.yaml')).rejects.toThrow(
      /cannot read config file \/nonexistent\/otelgate.yaml/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-config-'));
    writeFileSync(join(dir, 'ok.yaml'), SMALLEST);
    await expect(loadConfigFile(join(dir, 'ok.yaml'))).resolves.toMatchObject({
      admin: { endpoint: '127.0.0.1:13133' },
    });
  });

  it('refuses a short API key and a bad tenant name', () => {
    expect(() => parseConfigText('auth: { apiKeys: [{ key: short, tenant: a }] }\n')).toThrow(
      'auth.apiKeys[0].key: API keys must be at least 16 characters',
    );
    expect(() => parseConfigText('auth: { apiKeys: [{ key: 0123456789abcdef0, tenant: "Bad Tenant" }] }\n')).toThrow(
      /auth.apiKeys\[0\].tenant: expected a tenant name/,
    );
  });

  it('substitutes the short ${NAME} form as the Collector does, with defaults, and keeps $${NAME} literal', () => {
    const config = parseConfigText(
      'buffer: { embedded: { dir: "${DATA_DIR}/${SUB:-log}/$${KEPT}" } }\nadmin: { endpoint: "${HOST:-127.0.0.1}:4000" }\n',
      { DATA_DIR: '/var/lib/otelgate' },
    );
    expect(config.buffer.embedded.dir).toBe('/var/lib/otelgate/log/${KEPT}');
    expect(config.admin.endpoint).toBe('127.0.0.1:4000');
    expect(() =>
      parseConfigText('exporters:\n  file: { path: "${OUT_PATH}" }\npipelines:\n  logs: { exporters: [file] }\n', {}),
    ).toThrow('config:2:17: exporters.file.path: environment variable OUT_PATH is not set');
  });

  it('points every problem at its line and column in the file', () => {
    const text = 'receivers:\n  otlp:\n    http:\n      endpoint: 127.0.0.1:99999\nadmin:\n  readinessCacheMs: -1\n';
    const message = errorOf(() => parseConfigText(text, {}, 'otelgate.yaml'));
    expect(message).toContain('otelgate.yaml:4:17: receivers.otlp.http.endpoint: port must be 1–65535, got 99999');
    expect(message).toMatch(/otelgate\.yaml:6:21: admin\.readinessCacheMs: /);
  });

  it('suggests the nearest key for a misspelt one, without knock-on errors from the missing section', () => {
    const message = errorOf(() =>
      parseConfigText(
        'exporter:\n  file: { path: ./out.ndjson }\npipelines:\n  traces: { exporters: [file] }\n  logs: { exporters: [file] }\n',
      ),
    );
    expect(message.split('\n').slice(1)).toEqual([
      '  config:1:1: (top level): unknown key "exporter"; did you mean "exporters"?',
    ]);
    expect(errorOf(() => parseConfigText('processors:\n  redact: { mdoe: drop }\n'))).toContain(
      'config:2:13: processors.redact: unknown key "mdoe"; did you mean "mode"?',
    );
    expect(errorOf(() => parseConfigText('admin: { frobnicate: 1 }\n'))).toMatch(/admin: unknown key "frobnicate"$/m);
  });

  it('still reports what is wrong inside a misspelt section, at the line the user wrote', () => {
    const message = errorOf(() => parseConfigText('admn:\n  endpoint: nowhere\n'));
    expect(message).toContain('config:1:1: (top level): unknown key "admn"; did you mean "admin"?');
    expect(message).toContain('config:2:13: admn.endpoint: expected host:port, got "nowhere"');
  });

  it('refuses two listeners on one port, counting a wildcard address as every address', () => {
    expect(
      errorOf(() =>
        parseConfigText(
          'receivers:\n  otlp:\n    http: { endpoint: 127.0.0.1:4318 }\nadmin: { endpoint: localhost:4318 }\n',
        ),
      ),
    ).toContain('config:4:20: admin.endpoint: port 4318 is already used by receivers.otlp.http.endpoint');
    expect(
      errorOf(() =>
        parseConfigText(
          'receivers:\n  otlp:\n    grpc: { endpoint: 0.0.0.0:5000 }\n    http: { endpoint: 10.1.2.3:5000 }\n',
        ),
      ),
    ).toContain('receivers.otlp.http.endpoint: port 5000 is already used by receivers.otlp.grpc.endpoint');
    expect(errorOf(() => parseConfigText('receivers:\n  syslog:\n    tcp: { endpoint: 0.0.0.0:4318 }\n'))).toContain(
      'receivers.syslog.tcp.endpoint: port 4318 is already used by receivers.otlp.http.endpoint',
    );
    const syslog = parseConfigText(
      'receivers:\n  syslog:\n    udp: { endpoint: 127.0.0.1:5514 }\n    tcp: { endpoint: 127.0.0.1:5514 }\n',
    );
    expect(syslog.receivers.syslog?.udp?.endpoint).toBe('127.0.0.1:5514');
    const apart = parseConfigText(
      'receivers:\n  otlp:\n    grpc: { endpoint: 127.0.0.1:0 }\n    http: { endpoint: 127.0.0.1:0 }\nadmin: { endpoint: 127.0.0.2:4317 }\n',
    );
    expect(apart.admin.endpoint).toBe('127.0.0.2:4317');
  });

  it('refuses input files that cannot be read: missing, a directory, or without read permission', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-config-'));
    writeFileSync(join(dir, 'key.pem'), 'secret');
    chmodSync(join(dir, 'key.pem'), 0o000);
    const text = [
      'receivers:',
      '  otlp:',
      '    http:',
      '      tls:',
      `        certFile: ${join(dir, 'missing.pem')}`,
      `        keyFile: ${join(dir, 'key.pem')}`,
      'processors:',
      `  geoip: { database: ${dir} }`,
      '',
    ].join('\n');
    const message = errorOf(() => parseConfigText(text));
    expect(message).toContain(
      `config:5:19: receivers.otlp.http.tls.certFile: cannot read "${join(dir, 'missing.pem')}": no such file`,
    );
    expect(message).toContain(`processors.geoip.database: cannot read "${dir}": it is a directory`);
    if (process.getuid?.() !== 0) {
      expect(message).toContain(
        `receivers.otlp.http.tls.keyFile: cannot read "${join(dir, 'key.pem')}": permission denied`,
      );
    }
  });
});

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
