#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { loadConfigFile, validateConfig } from './config/load-config.ts';
import type { GatewayConfig } from './config/schema.ts';
import { runDlqCommand } from './dlq/dlq-command.ts';
import { runGateway } from './run-gateway.ts';
import { OTELGATE_VERSION } from './version.ts';

const USAGE = `otelgate — an OpenTelemetry gateway

Usage:
  otelgate start [--config FILE] [--role both|ingest|process]
                                    run the gateway (embedded defaults without --config)
  otelgate validate --config FILE   check a config file and exit
  otelgate dlq list|replay [--config FILE] [--stage S] [--signal traces|metrics|logs]
                           [--reason TEXT] [--from OFFSET] [--limit N]
                                    inspect dead letters, or send them through the pipelines again
  otelgate version                  print the version
  otelgate --help                   this text

Docs: docs/CONFIG.md (every option and default), docs/ARCHITECTURE.md.
`;

async function loadConfig(path: string | undefined): Promise<GatewayConfig> {
  return path ? loadConfigFile(path) : validateConfig({}, 'embedded defaults');
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      role: { type: 'string' },
      stage: { type: 'string' },
      signal: { type: 'string' },
      reason: { type: 'string' },
      from: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    case 'version':
      process.stdout.write(`otelgate ${OTELGATE_VERSION}\n`);
      return 0;
    case 'validate': {
      if (!values.config) throw new OtelgateError('invalid-argument', 'validate needs --config FILE');
      await loadConfig(values.config);
      process.stdout.write(`${values.config}: valid\n`);
      return 0;
    }
    case 'start': {
      const config = await loadConfig(values.config);
      if (values.role) {
        if (!['both', 'ingest', 'process'].includes(values.role)) {
          throw new OtelgateError(
            'invalid-argument',
            `--role: expected both, ingest or process, got ${JSON.stringify(values.role)}`,
          );
        }
        config.service.role = values.role as GatewayConfig['service']['role'];
      }
      const code = await runGateway(config);
      // Exit even if a library left a timer or socket behind: everything is flushed by now.
      return process.exit(code);
    }
    case 'dlq': {
      const { stage, signal, reason, from, limit } = values;
      return runDlqCommand(positionals[1], await loadConfig(values.config), { stage, signal, reason, from, limit });
    }
    default:
      process.stderr.write(command ? `otelgate: unknown command "${command}"\n\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`otelgate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
