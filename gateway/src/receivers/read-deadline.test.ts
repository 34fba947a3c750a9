import type { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { describe, expect, it } from 'vitest';
import type { LimitReason } from '../ingest/admission.ts';
import { ReadDeadline, type ReadDeadlineLimits } from './read-deadline.ts';

const LIMITS: ReadDeadlineLimits = {
  readTimeoutMs: 60_000,
  idleTimeoutMs: 0,
  minBytesPerSecond: 0,
  configPath: 'receivers.otlp.test',
  what: 'request body',
};

/** Resolves with what cut the read off, and how long after the start. */
function expiry(limits: Partial<ReadDeadlineLimits>, feed?: (deadline: ReadDeadline) => void) {
  const started = performance.now();
  return new Promise<{ reason: LimitReason; error: OtelgateError; afterMs: number }>((resolve) => {
    const deadline = new ReadDeadline({ ...LIMITS, ...limits }, (reason, error) => {
      resolve({ reason, error, afterMs: performance.now() - started });
    });
    feed?.(deadline);
  });
}

describe('read deadline', () => {
  it('cuts a read off at its read timeout with deadline-exceeded, naming the option', async () => {
    const { reason, error, afterMs } = await expiry({ readTimeoutMs: 300 });
    expect(reason).toBe('read-timeout');
    expect(error.kind).toBe('deadline-exceeded');
    expect(error.message).toBe(
      'the request body did not arrive within 0.3 s (0 bytes received; receivers.otlp.test.readTimeoutSeconds)',
    );
    expect(afterMs).toBeGreaterThanOrEqual(295);
  });

  it('cuts a read off once no byte came for the idle timeout, however long it has been going', async () => {
    let feeding: NodeJS.Timeout | undefined;
    const { reason, error } = await expiry({ idleTimeoutMs: 1500 }, (deadline) => {
      let sent = 0;
      feeding = setInterval(() => {
        if (sent++ < 3) deadline.received(10);
      }, 300);
    });
    clearInterval(feeding);
    expect(reason).toBe('idle-timeout');
    expect(error.message).toMatch(/^no bytes of the request body for 1.5 s \(30 bytes received;/);
  });

  it('cuts a trickle off under the minimum rate once the grace period has passed', async () => {
    let feeding: NodeJS.Timeout | undefined;
    const { reason, error, afterMs } = await expiry({ minBytesPerSecond: 100 }, (deadline) => {
      feeding = setInterval(() => deadline.received(1), 200);
    });
    clearInterval(feeding);
    expect(reason).toBe('min-rate');
    expect(error.message).toMatch(/arrived at \d bytes\/s, under the minimum of 100 .*minBodyRateBytesPerSecond\)$/);
    expect(afterMs).toBeGreaterThanOrEqual(5000);
  }, 15_000);

  it('keeps a call deadline after the read, and interrupts the reader only while it reads', async () => {
    const interrupted: OtelgateError[] = [];
    const { reason, error } = await expiry({ callDeadlineMs: 200 }, (deadline) => {
      deadline.interrupt = (cause) => interrupted.push(cause);
      deadline.doneReading();
    });
    expect(reason).toBe('grpc-timeout');
    expect(error.message).toBe("the call's grpc-timeout of 200 ms passed");
    expect(interrupted).toEqual([]);
  });

  it('never fires once stopped', async () => {
    let fired = false;
    const deadline = new ReadDeadline({ ...LIMITS, readTimeoutMs: 50 }, () => {
      fired = true;
    });
    deadline.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fired).toBe(false);
  });
});
