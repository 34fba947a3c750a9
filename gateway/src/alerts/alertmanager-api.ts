// The two calls of Alertmanager's API v2 that acknowledging an alert needs.
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

export interface ActiveAlert {
  fingerprint: string;
  labels: Record<string, string>;
  startsAt: string;
  status: { state: string };
}

export interface Silence {
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const TIMEOUT_MS = 10_000;

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new OtelgateError('unavailable', `Alertmanager at ${url} did not answer: ${(error as Error).message}`);
  }
}

/** The alert Alertmanager holds with this fingerprint (silenced and inhibited ones included), if any. */
export async function findAlert(baseUrl: string, fingerprint: string): Promise<ActiveAlert | undefined> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`;
  const response = await call(url, { method: 'GET' });
  if (!response.ok) throw new OtelgateError('unavailable', `Alertmanager answered ${response.status} to GET ${url}`);
  const alerts = (await response.json()) as ActiveAlert[];
  return alerts.find((alert) => alert.fingerprint === fingerprint);
}

/** Creates the silence and answers its id. */
export async function createSilence(baseUrl: string, silence: Silence): Promise<string> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/v2/silences`;
  const response = await call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(silence),
  });
  if (!response.ok)
    throw new OtelgateError(
      response.status >= 500 ? 'unavailable' : 'invalid-argument',
      `Alertmanager refused the silence (${response.status}): ${(await response.text()).trim()}`,
    );
  return ((await response.json()) as { silenceID: string }).silenceID;
}
