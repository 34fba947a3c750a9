// `otelgate tap`: prints a live sample of the records passing a point of a running gateway's
// pipelines, one OTLP/JSON document per line, until interrupted or --count lines were printed.
import { ADMIN_TOKEN_OPTION, adminBaseUrl, resolveAdminToken } from '../admin/admin-client.ts';
import { type Command, stringOption, UsageError } from '../cli/command.ts';
import { CONFIG_OPTION, loadConfigOption } from '../cli/config-option.ts';

export const tapCommand: Command = {
  name: 'tap',
  summary: 'print a live sample of the records passing a point of the pipelines (OTLP/JSON lines)',
  usage:
    'tap [--config FILE | --url URL] [--token TOKEN] [--point P] [--signal S] [--service NAME] [--attr KEY=VALUE]... [--rate N] [--count N]',
  details: `Points: receive (as decoded, before the first processor), after:<processor>, end (after the
last processor; the default) and before:<exporter>. Points that come before a redact processor
are refused unless the gateway's admin.tap.allowBeforeRedaction is true. Needs the admin token.`,
  options: {
    config: CONFIG_OPTION,
    url: {
      type: 'string',
      value: 'URL',
      description: "the gateway's admin URL (default: from the config's admin.endpoint)",
    },
    token: ADMIN_TOKEN_OPTION,
    point: {
      type: 'string',
      value: 'P',
      description: 'receive, after:<processor>, end (default) or before:<exporter>',
    },
    signal: {
      type: 'string',
      value: 'S',
      description: 'traces, metrics or logs (default: every pipeline with the point)',
    },
    service: { type: 'string', value: 'NAME', description: 'only records whose resource has this service.name' },
    attr: {
      type: 'string',
      value: 'KEY=VALUE',
      description: 'only records with this attribute (record, point or resource); repeat for several',
      multiple: true,
    },
    rate: { type: 'string', value: 'N', description: 'at most N records per second (default 10)' },
    count: { type: 'string', value: 'N', description: 'exit after N records' },
  },
  async run(args) {
    const count = optionalPositive(stringOption(args, 'count'), 'count');
    const config = await loadConfigOption(args);
    const base = stringOption(args, 'url') ?? adminBaseUrl(config.admin.endpoint);
    const query = new URLSearchParams();
    for (const name of ['point', 'signal', 'service', 'rate']) {
      const value = stringOption(args, name);
      if (value !== undefined) query.set(name, value);
    }
    const attributes = args.values.attr;
    for (const pair of Array.isArray(attributes) ? attributes : []) query.append('attr', String(pair));
    const token = resolveAdminToken(stringOption(args, 'token'), config.admin.token);
    return streamTap(`${base.replace(/\/$/, '')}/tap?${query}`, token, count);
  },
};

function optionalPositive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name}: expected a whole number >= 1`);
  return value;
}

async function streamTap(url: string, token: string | undefined, count: number | undefined): Promise<number> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let response: Response;
  try {
    response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: abort.signal,
    });
  } catch (error) {
    process.stderr.write(`otelgate tap: cannot reach ${new URL(url).origin}: ${(error as Error).message}\n`);
    return 1;
  }
  if (!response.ok || !response.body) {
    const body = await response.text();
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? body;
    } catch {}
    process.stderr.write(`otelgate tap: the gateway answered ${response.status}: ${message}\n`);
    return 1;
  }
  let printed = 0;
  let pending = '';
  const decoder = new TextDecoder();
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        process.stdout.write(pending.slice(0, newline + 1));
        pending = pending.slice(newline + 1);
        printed++;
        if (count !== undefined && printed >= count) {
          abort.abort();
          return 0;
        }
        newline = pending.indexOf('\n');
      }
    }
  } catch (error) {
    if (abort.signal.aborted) return 0;
    process.stderr.write(`otelgate tap: the stream broke: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write('otelgate tap: the gateway ended the tap (stopping, or a reload removed the point)\n');
  return 0;
}
