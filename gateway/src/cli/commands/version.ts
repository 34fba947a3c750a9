import { OTELGATE_VERSION } from '../../version.ts';
import type { Command } from '../command.ts';

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version (also --version)',
  usage: 'version',
  options: {},
  async run() {
    process.stdout.write(`otelgate ${OTELGATE_VERSION}\n`);
    return 0;
  },
};
