import { ADMIN_TOKEN_OPTION } from '../../admin/admin-client.ts';
import { FILTER_OPTIONS } from '../../dlq/dead-letter-view.ts';
import { runDlqCommand } from '../../dlq/dlq-command.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { CONFIG_OPTION, loadConfigOption } from '../config-option.ts';

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'list dead letters, or send them through the pipelines again',
  usage:
    'dlq list|replay [--config FILE] [--token TOKEN] [--stage S] [--signal traces|metrics|logs] [--reason TEXT] [--from OFFSET] [--limit N]',
  details: `Lists and replays only dead letters not replayed yet (a replayed one is marked; one that fails again comes back as a new dead letter). Asks the running gateway's admin endpoint; when none answers, opens the buffer directly.`,
  options: {
    config: CONFIG_OPTION,
    token: ADMIN_TOKEN_OPTION,
    stage: { type: 'string', value: 'S', description: 'only dead letters from this stage (exporter or processor)' },
    signal: { type: 'string', value: 'SIGNAL', description: 'traces, metrics or logs' },
    reason: { type: 'string', value: 'TEXT', description: 'only those whose reason contains TEXT' },
    from: { type: 'string', value: 'OFFSET', description: 'start at this dead-letter offset' },
    limit: { type: 'string', value: 'N', description: 'at most N dead letters (default 100)' },
  },
  async run(args) {
    const action = args.positionals[0];
    if (action !== 'list' && action !== 'replay') throw new UsageError('expected "list" or "replay"');
    const options = Object.fromEntries([...FILTER_OPTIONS, 'token'].map((name) => [name, stringOption(args, name)]));
    return runDlqCommand(action, await loadConfigOption(args), options);
  },
};
