// Index naming: `<prefix>-<logs|traces|alerts>-<namespace>-<yyyy.mm.dd>` (alerts: the alert history,
// log records of the ALERT_HISTORY_SCOPE). The tenant becomes the
// namespace after sanitizing (index names come from client data: contrib#49219).

export function namespaceFor(tenant: string | undefined, fallback: string): string {
  if (!tenant) return fallback;
  const cleaned = tenant
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 64);
  return /[a-z0-9]/.test(cleaned) ? cleaned : fallback;
}

/** UTC day of a nanosecond timestamp, `yyyy.mm.dd`. */
export function dayOf(nanos: bigint): string {
  const d = new Date(Number(nanos / 1_000_000n));
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${d.getUTCFullYear()}.${mm}.${dd}`;
}

export type IndexKind = 'logs' | 'traces' | 'alerts';

export function indexName(prefix: string, signal: IndexKind, namespace: string, nanos: bigint): string {
  return `${prefix}-${signal}-${namespace}-${dayOf(nanos)}`;
}

/** The day of an index this exporter named, as epoch ms; undefined for other names. */
export function indexDayMs(prefix: string, index: string): number | undefined {
  if (!index.startsWith(`${prefix}-`)) return undefined;
  const match = /-(\d{4})\.(\d{2})\.(\d{2})$/.exec(index);
  if (!match) return undefined;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}
