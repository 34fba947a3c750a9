import { sharedServiceValue } from './shared-service.ts';

/** The URL of the shared test Prometheus (test/services/prometheus). */
export function sharedPrometheusUrl(): string {
  return sharedServiceValue('prometheus', 'PROMETHEUS_URL');
}

export interface QueryResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** An instant PromQL query through /api/v1/query (POST, so long expressions are fine). */
export async function instantQuery(url: string, expr: string): Promise<QueryResult> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
  });
  return (await response.json()) as QueryResult;
}
