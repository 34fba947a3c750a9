import { describe, expect, it } from 'vitest';
import { InFlightLimiter } from './in-flight-limiter.ts';

describe('in-flight limiter', () => {
  it('refuses with resource-exhausted and Retry-After once the bytes in flight would pass the limit', () => {
    const limiter = new InFlightLimiter(1000, 3);
    const first = limiter.acquire(600);
    expect(() => limiter.acquire(500)).toThrow(
      expect.objectContaining({ kind: 'resource-exhausted', retryAfterSeconds: 3 }),
    );
    first();
    const second = limiter.acquire(500);
    expect(limiter.inFlightBytes).toBe(500);
    second();
    second();
    expect(limiter.inFlightBytes).toBe(0);
  });

  it('lets one request larger than the limit through when nothing else is in flight', () => {
    const limiter = new InFlightLimiter(100, 1);
    const release = limiter.acquire(500);
    expect(() => limiter.acquire(1)).toThrow();
    release();
  });
});
