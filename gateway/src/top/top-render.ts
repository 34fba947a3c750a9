// How `otelgate top` shows its rows: a table redrawn in place on a terminal (like `vector top`),
// or one plain line per component and refresh when stdout is a pipe or a file.
import type { TopRow } from './top-rows.ts';

const HEADER = ['GATEWAY', 'COMPONENT', 'STATE', 'ITEMS/S', 'ERR/S', 'ERRORS', 'LAG', 'MEMORY', 'NOTE'];

const number = (n: number | undefined) => (n === undefined ? '-' : n >= 100 ? String(Math.round(n)) : n.toFixed(1));
const count = (n: number | undefined) => (n === undefined ? '-' : String(n));

function cells(row: TopRow): string[] {
  return [
    row.gateway,
    row.component,
    row.state,
    number(row.rate),
    number(row.errorRate),
    count(row.errors),
    count(row.lag),
    row.memory ?? '-',
    row.note,
  ];
}

const COLOURS: Record<string, string> = { ok: '32', degraded: '33', failing: '31', unreachable: '31' };

/** The full screen: title line, header, rows; columns padded, each line cut to `width`. */
export function renderScreen(rows: TopRow[], width: number, title: string, colour: boolean): string {
  const table = [HEADER, ...rows.map(cells)];
  // The last column (NOTE) is not padded: it takes what is left of the line.
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r, j) =>
    r
      .map((cell, i) => {
        const padded = i === r.length - 1 ? cell : cell.padEnd(widths[i]);
        const state = j > 0 && i === 2 ? COLOURS[rows[j - 1].state] : undefined;
        return colour && state ? `\x1b[${state}m${padded}\x1b[0m` : padded;
      })
      .join('  '),
  );
  return [title, '', ...lines].map((line) => cut(line, width, colour)).join('\n');
}

/** One line per row, for pipes and files: `time gateway component state key=value ...`. */
export function renderLines(rows: TopRow[], at: Date): string {
  return rows
    .map((row) => {
      const [gateway, component, state, rate, errorRate, errors, lag, memory, note] = cells(row);
      const fields = `items_per_s=${rate} errors_per_s=${errorRate} errors=${errors} lag=${lag} memory=${JSON.stringify(memory)}`;
      return `${at.toISOString()} ${gateway} ${component.replaceAll(' ', '_')} ${state} ${fields}${note ? ` note=${JSON.stringify(note)}` : ''}`;
    })
    .join('\n');
}

/** Cuts a line to `width` visible characters (colour codes do not count). */
function cut(line: string, width: number, colour: boolean): string {
  if (!colour) return line.length > width ? line.slice(0, width) : line;
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
