// Spans each server says it accepted, read from its own Prometheus endpoint: the count that
// matters when the load generator (telemetrygen) cannot tell what the server acknowledged.

/** Sum of every sample of the counters whose name starts with `prefix` and that carry all `labels`. */
export async function sumCounter(url: string, prefix: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(url)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labelText = match[2] ?? '';
    if (!Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) continue;
    total += Number(match[3]);
  }
  return total;
}

export function otelgateAcceptedSpans(adminUrl: string): Promise<number> {
  return sumCounter(`${adminUrl}/metrics`, 'otelgate_receiver_accepted_items', { signal: 'traces' });
}

export function collectorAcceptedSpans(metricsUrl: string): Promise<number> {
  return sumCounter(metricsUrl, 'otelcol_receiver_accepted_spans');
}
