import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { DeadLetterFilter } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-replay.ts';
import type { DeadLetter } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-store.ts';
import { SIGNALS } from '@otelgate/pipelines/model/common.ts';

/** The filter options of `otelgate dlq` and of the admin `/dlq` query string, by name. */
export const FILTER_OPTIONS = ['stage', 'signal', 'reason', 'from', 'limit'] as const;

/** Reads the filter from `--stage`, `--signal`, ... or `?stage=&signal=...`; a bad value is `invalid-argument`. */
export function parseDeadLetterFilter(
  values: Partial<Record<(typeof FILTER_OPTIONS)[number], string | null | undefined>>,
): DeadLetterFilter {
  const { stage, signal, reason, from, limit } = values;
  if (signal && !(SIGNALS as readonly string[]).includes(signal))
    throw new OtelgateError('invalid-argument', `signal: "${signal}" is not one of ${SIGNALS.join(', ')}`);
  return {
    stage: stage || undefined,
    signal: signal || undefined,
    reasonContains: reason || undefined,
    fromOffset: from ? BigInt(wholeNumber('from', from)) : undefined,
    limit: limit ? Number(wholeNumber('limit', limit)) : undefined,
  };
}

function wholeNumber(name: string, value: string): string {
  if (!/^\d{1,19}$/.test(value))
    throw new OtelgateError('invalid-argument', `${name}: "${value}" is not a whole number`);
  return value;
}

/** JSON-friendly summary (bigints as strings, payload size instead of payload). */
export function describeDeadLetter(letter: DeadLetter): Record<string, unknown> {
  return {
    partition: letter.partition,
    offset: String(letter.offset),
    deadLetteredAt: new Date(letter.deadLetteredAt).toISOString(),
    stage: letter.stage,
    reason: letter.reason,
    source: { signal: letter.source.signal, partition: letter.source.partition, offset: String(letter.source.offset) },
    tenant: letter.entry.headers['otelgate-tenant'],
    bytes: letter.entry.value.length,
  };
}
