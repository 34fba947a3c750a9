import { loadConfigFile } from '../../config/load-config.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { CONFIG_OPTION } from '../config-option.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file and exit (0 valid, 1 not)',
  usage: 'validate --config FILE',
  details: `Reports every problem at once, each with its path and line:column in the file: unknown keys
(with the nearest known one), bad values, ports outside 1-65535, two listeners on one port,
files the gateway would fail to read, and environment variables that are not set.`,
  options: { config: { ...CONFIG_OPTION, description: 'the YAML config to check' } },
  async run(args) {
    const path = stringOption(args, 'config') ?? args.positionals[0];
    if (!path) throw new UsageError('needs --config FILE');
    await loadConfigFile(path);
    process.stdout.write(`${path}: valid\n`);
    return 0;
  },
};
