import { describe, expect, it } from 'vitest';
import { detectFormat, parseCriLine, parseDockerLine } from './container-formats.ts';

describe('container log formats', () => {
  it('reads a Docker json-file entry, full and partial', () => {
    expect(parseDockerLine('{"log":"hello\\n","stream":"stderr","time":"2024-01-02T03:04:05.123456789Z"}')).toEqual({
      text: 'hello',
      stream: 'stderr',
      timeUnixNano: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1_000_000n + 123_456_789n,
      partial: false,
    });
    expect(
      parseDockerLine('{"log":"part of a long line","stream":"stdout","time":"2024-01-02T03:04:05Z"}')?.partial,
    ).toBe(true);
    expect(parseDockerLine('{"stream":"stdout"}')).toBeUndefined();
    expect(parseDockerLine('not json')).toBeUndefined();
  });

  it('reads CRI lines with P and F tags, and an empty F line', () => {
    expect(parseCriLine('2024-01-02T03:04:05.000000001Z stdout P first half ')).toEqual({
      text: 'first half ',
      stream: 'stdout',
      timeUnixNano: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1_000_000n + 1n,
      partial: true,
    });
    expect(parseCriLine('2024-01-02T03:04:05Z stderr F')).toMatchObject({ text: '', stream: 'stderr', partial: false });
    expect(parseCriLine('2024-01-02T03:04:05Z stdin F x')).toBeUndefined();
    expect(parseCriLine('2024-01-02T03:04:05Z stdout X x')).toBeUndefined();
  });

  it('tells the formats apart by the first line', () => {
    expect(detectFormat('{"log":"x\\n","stream":"stdout","time":"2024-01-02T03:04:05Z"}')).toBe('docker');
    expect(detectFormat('2024-01-02T03:04:05Z stdout F x')).toBe('cri');
    expect(detectFormat('{"level":"info","msg":"x"}')).toBe('plain');
    expect(detectFormat('2024-01-02 03:04:05 INFO started')).toBe('plain');
  });
});
