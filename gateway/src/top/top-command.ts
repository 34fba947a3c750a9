// `otelgate top`: a refreshing view of every component of one or more gateways (throughput,
// errors, lag, memory), read from their admin `/status`. On a terminal the table is redrawn in
// place (q or Ctrl-C quits); into a pipe or file it prints one line per component per refresh.
import type { StatusDocument } from '../admin/status/status-report.ts';
import { adminBaseUrl } from '../admin/admin-client.ts';
import { type Command, stringOption, UsageError } from '../cli/command.ts';
import { CONFIG_OPTION, loadConfigOption } from '../cli/config-option.ts';
import { renderLines, renderScreen } from './top-render.ts';
import { type Sample, type TopRow, topRows, unreachableRow } from './top-rows.ts';

export const topCommand: Command = {
  name: 'top',
  summary: "a live view of every component's throughput, errors, lag and memory, from /status",
  usage: 'top [--url URL]... [--config FILE] [--interval SECONDS] [--count N]',
  details: `Reads GET /status of each gateway (--url may be given several times; default: the
config's admin.endpoint) every --interval seconds. On a terminal the table is redrawn in place;
q or Ctrl-C quits. When stdout is not a terminal, one line per component is printed per refresh.
Rates need two readings: the first refresh shows '-'.`,
  options: {
    url: { type: 'string', value: 'URL', multiple: true, description: "a gateway's admin URL (repeatable)" },
    config: CONFIG_OPTION,
    interval: { type: 'string', value: 'SECONDS', description: 'seconds between refreshes (default 1)' },
    count: { type: 'string', value: 'N', description: 'exit after N refreshes (default: until interrupted)' },
  },
  async run(args) {
    const interval = positive(stringOption(args, 'interval') ?? '1', 'interval');
    const countText = stringOption(args, 'count');
    const count = countText === undefined ? undefined : Math.floor(positive(countText, 'count'));
    const given = args.values.url;
    const urls = Array.isArray(given) ? given.map(String) : [];
    if (urls.length === 0) urls.push(adminBaseUrl((await loadConfigOption(args)).admin.endpoint));
    return runTop(
      urls.map((u) => u.replace(/\/$/, '')),
      interval,
      count,
    );
  },
};

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name}: expected a number > 0`);
  return value;
}

async function readStatus(url: string): Promise<StatusDocument> {
  const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as StatusDocument;
}

async function runTop(urls: string[], intervalSeconds: number, count: number | undefined): Promise<number> {
  const terminal = process.stdout.isTTY === true;
  const colour = terminal && !process.env.NO_COLOR;
  const previous = new Map<string, Sample>();
  let stopped = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const keys = (data: Buffer) => {
    if (data.includes(0x71) || data.includes(0x03)) stop(); // q, Ctrl-C (raw mode)
  };
  if (terminal) {
    process.stdout.write('\x1b[?1049h\x1b[?25l'); // alternate screen, cursor hidden
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.on('data', keys);
    }
  }
  try {
    for (let refresh = 0; !stopped && (count === undefined || refresh < count); refresh++) {
      const rows = (await Promise.all(urls.map((url) => readRows(url, previous)))).flat();
      if (stopped) break;
      const now = new Date();
      if (terminal) {
        const title = `otelgate top · ${urls.length} gateway${urls.length > 1 ? 's' : ''} · every ${intervalSeconds}s · ${now.toISOString()} · q quits`;
        process.stdout.write(`\x1b[H\x1b[2J${renderScreen(rows, process.stdout.columns || 120, title, colour)}\n`);
      } else {
        process.stdout.write(`${renderLines(rows, now)}\n`);
      }
      if (count !== undefined && refresh + 1 >= count) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    if (terminal) {
      if (process.stdin.isTTY) {
        process.stdin.off('data', keys);
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
      process.stdout.write('\x1b[?25h\x1b[?1049l');
    }
  }
  return 0;
}

async function readRows(url: string, previous: Map<string, Sample>): Promise<TopRow[]> {
  const label = url.replace(/^https?:\/\//, '');
  try {
    const sample = { at: Date.now(), doc: await readStatus(url) };
    const rows = topRows(label, sample, previous.get(url));
    previous.set(url, sample);
    return rows;
  } catch (error) {
    // fetch() hides the socket error (ECONNREFUSED, ...) in its cause.
    const cause = (error as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } })
      .cause;
    return [
      unreachableRow(label, cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message),
    ];
  }
}
