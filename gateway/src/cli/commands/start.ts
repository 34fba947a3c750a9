import type { GatewayConfig } from '../../config/schema.ts';
import { runGateway } from '../../run-gateway.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { CONFIG_OPTION, loadConfigOption } from '../config-option.ts';

const ROLES = ['both', 'ingest', 'process'];

export const startCommand: Command = {
  name: 'start',
  summary: 'run the gateway (embedded defaults without --config)',
  usage: 'start [--config FILE] [--role both|ingest|process]',
  details: `Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight work and exits within
service.shutdownGracePeriodSeconds. If any listener cannot bind, nothing keeps running: the
reason is printed and the exit code is 1.`,
  options: {
    config: CONFIG_OPTION,
    role: {
      type: 'string',
      value: 'ROLE',
      description: 'both (default), ingest or process; overrides service.role',
    },
  },
  async run(args) {
    const role = stringOption(args, 'role');
    if (role !== undefined && !ROLES.includes(role)) {
      throw new UsageError(`--role: expected both, ingest or process, got ${JSON.stringify(role)}`);
    }
    const config = await loadConfigOption(args);
    if (role) config.service.role = role as GatewayConfig['service']['role'];
    let code: number;
    try {
      code = await runGateway(config, { configPath: stringOption(args, 'config') });
    } catch (error) {
      // Whatever did start (a receiver, the buffer) must not keep the process half alive.
      process.stderr.write(`otelgate: ${(error as Error).message}\n`);
      return process.exit(1);
    }
    // Exit even if a library left a timer or socket behind: everything is flushed by now.
    return process.exit(code);
  },
};
