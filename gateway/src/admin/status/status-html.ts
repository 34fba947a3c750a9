// GET / on the admin port: the /status document as a small page that refreshes itself. Every
// value is escaped: component ids and error messages can carry text from the outside.
import type { StatusDocument } from './status-report.ts';

const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const cell = (value: unknown) =>
  `<td>${escapeHtml(typeof value === 'object' && value !== null ? JSON.stringify(value) : value)}</td>`;

function table(title: string, rows: object[]): string {
  if (rows.length === 0) return `<h2>${escapeHtml(title)}</h2><p>none in this role</p>`;
  const records = rows as Record<string, unknown>[];
  const columns = [...new Set(records.flatMap((row) => Object.keys(row)))];
  const body = records
    .map((row) => `<tr class="${escapeHtml(row.state)}">${columns.map((c) => cell(row[c])).join('')}</tr>`)
    .join('');
  return `<h2>${escapeHtml(title)}</h2><table><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${body}</table>`;
}

export function statusHtml(doc: StatusDocument): string {
  const reasons = doc.reasons.length ? `<ul>${doc.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>otelgate ${escapeHtml(doc.role)}: ${escapeHtml(doc.status)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1em}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.ok td:first-child{border-left:4px solid #2a2}.degraded td:first-child{border-left:4px solid #e90}
.failing td:first-child{border-left:4px solid #d22}.status-ok{color:#2a2}.status-degraded{color:#e90}.status-failing{color:#d22}
</style></head><body>
<h1>otelgate <span class="status-${escapeHtml(doc.status)}">${escapeHtml(doc.status)}</span></h1>
<p>version ${escapeHtml(doc.version)} · role ${escapeHtml(doc.role)} · pid ${escapeHtml(doc.pid)} · up ${escapeHtml(doc.uptimeSeconds)} s ·
<a href="/status">/status</a> · <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a></p>
${reasons}
${table('Receivers', doc.receivers)}
${table('Buffer', [doc.buffer])}
${table('Processors', doc.processors)}
${table('Exporters', doc.exporters)}
${table('Process', [doc.process])}
${table('Log file', doc.log ? [doc.log] : [])}
</body></html>
`;
}
