import { describe, expect, it } from 'vitest';
import { metricName, sanitizeLabelName, unitSuffix } from './naming.ts';

describe('OTLP to Prometheus names', () => {
  it('appends units and _total to monotonic counters', () => {
    expect(metricName('http.server.request.duration', 's', 'histogram', true)).toBe(
      'http_server_request_duration_seconds',
    );
    expect(metricName('http.server.requests', '{request}', 'counter', true)).toBe('http_server_requests_total');
    expect(metricName('system.network.io', 'By', 'counter', true)).toBe('system_network_io_bytes_total');
    expect(metricName('requests_total', '1', 'counter', true)).toBe('requests_total');
  });

  it('adds _ratio to unit-1 gauges and does not repeat a unit already in the name', () => {
    expect(metricName('cpu.utilization', '1', 'gauge', true)).toBe('cpu_utilization_ratio');
    expect(metricName('queue.latency_ms', 'ms', 'gauge', true)).toBe('queue_latency_ms_milliseconds');
    expect(metricName('disk.io_bytes', 'By', 'gauge', true)).toBe('disk_io_bytes');
    expect(unitSuffix('m/s')).toBe('meters_per_second');
  });

  it('leaves suffixes off when asked', () => {
    expect(metricName('a.b', 's', 'counter', false)).toBe('a_b');
  });

  it('sanitizes label names', () => {
    expect(sanitizeLabelName('http.request.method')).toBe('http_request_method');
    expect(sanitizeLabelName('2xx')).toBe('key_2xx');
    expect(sanitizeLabelName('_private')).toBe('key_private');
    expect(sanitizeLabelName('__reserved')).toBe('__reserved');
  });
});
