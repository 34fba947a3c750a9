import { mkdtempSync, writeFileSync } from 'node:fs';
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
      'admin.endpoint: expected host:port, got "127.0.0.1:70000"',
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
});
