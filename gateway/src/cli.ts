#!/usr/bin/env node
import type { Command } from './cli/command.ts';
import { alertsCommand } from './cli/commands/alerts.ts';
import { dlqCommand } from './cli/commands/dlq.ts';
import { startCommand } from './cli/commands/start.ts';
import { validateCommand } from './cli/commands/validate.ts';
import { versionCommand } from './cli/commands/version.ts';
import { runCli } from './cli/run-cli.ts';
import { tapCommand } from './tap/tap-command.ts';
import { topCommand } from './top/top-command.ts';

/** Every `otelgate` command, in the order `otelgate help` lists them. A new command is one line here. */
const COMMANDS: Command[] = [
  startCommand,
  validateCommand,
  dlqCommand,
  tapCommand,
  topCommand,
  alertsCommand,
  versionCommand,
];

runCli(COMMANDS, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`otelgate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
