import { loadConfigFile, validateConfig } from '../config/load-config.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { type CommandArgs, type CommandOption, stringOption } from './command.ts';

/** The `--config FILE` option the commands share. */
export const CONFIG_OPTION: CommandOption = {
  type: 'string',
  short: 'c',
  value: 'FILE',
  description: 'the YAML config (docs/CONFIG.md); embedded defaults without it',
};

/** The config named by `--config`, or the embedded defaults when there is none. */
export async function loadConfigOption(args: CommandArgs): Promise<GatewayConfig> {
  const path = stringOption(args, 'config');
  return path ? loadConfigFile(path) : validateConfig({}, 'embedded defaults');
}
