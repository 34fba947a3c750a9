import { ADMIN_TOKEN_OPTION, adminBaseUrl, resolveAdminToken } from '../../admin/admin-client.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { CONFIG_OPTION, loadConfigOption } from '../config-option.ts';

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'acknowledge an alert: silence it in Alertmanager and record who did it in the alert history',
  usage: 'alerts ack FINGERPRINT --by NAME [--note TEXT] [--minutes N] [--config FILE] [--token TOKEN] [--admin URL]',
  details:
    'Asks the running gateway (POST /alerts/ack on its admin port; needs receivers.alertmanager.alertmanagerUrl). ' +
    "The silence matches the alert's labels, so neither its repeats nor its escalation are sent while it lasts " +
    '(receivers.alertmanager.ackSilenceMinutes, or --minutes). The fingerprint is the alert.fingerprint of its ' +
    'history record, or `amtool alert query -o json`.',
  options: {
    by: { type: 'string', value: 'NAME', description: 'who acknowledges (required)' },
    note: { type: 'string', value: 'TEXT', description: 'why, what is being done' },
    minutes: { type: 'string', value: 'N', description: 'how long the silence lasts' },
    config: CONFIG_OPTION,
    token: ADMIN_TOKEN_OPTION,
    admin: {
      type: 'string',
      value: 'URL',
      description: "the admin base URL (default: from the config's admin.endpoint)",
    },
  },
  async run(args) {
    const [action, fingerprint, ...rest] = args.positionals;
    if (action !== 'ack') throw new UsageError('expected "ack"');
    if (!fingerprint || rest.length > 0) throw new UsageError('expected one FINGERPRINT after "ack"');
    const by = stringOption(args, 'by');
    if (!by) throw new UsageError('--by NAME is required: the history records who acknowledged');
    const minutesText = stringOption(args, 'minutes');
    const minutes = minutesText === undefined ? undefined : Number(minutesText);
    if (minutes !== undefined && !(Number.isInteger(minutes) && minutes > 0))
      throw new UsageError(`--minutes: expected a positive whole number, got ${minutesText}`);
    const config = await loadConfigOption(args);
    const base = stringOption(args, 'admin') ?? adminBaseUrl(config.admin.endpoint);
    const token = resolveAdminToken(stringOption(args, 'token'), config.admin.token);
    const response = await fetch(`${base.replace(/\/$/, '')}/alerts/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ fingerprint, by, note: stringOption(args, 'note') ?? '', minutes }),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      process.stderr.write(`otelgate alerts ack: ${response.status}: ${String(body.error ?? response.statusText)}\n`);
      return 1;
    }
    process.stdout.write(
      `acknowledged ${String(body.alertname)} (${fingerprint}): silence ${String(body.silenceId)} until ${String(body.silencedUntil)}\n`,
    );
    return 0;
  },
};
