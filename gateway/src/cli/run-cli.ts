import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { OTELGATE_VERSION } from '../version.ts';
import { type Command, UsageError } from './command.ts';
import { commandHelp, generalHelp } from './help-text.ts';
import { nearestName } from '../config/nearest-name.ts';

interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_OUTPUT: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Dispatches `argv` (without node and the script) to a command of the table. Resolves to the exit
 * code: 0 done, 1 the command failed (for example an invalid config), 2 a usage error.
 */
export async function runCli(commands: readonly Command[], argv: string[], out = PROCESS_OUTPUT): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    out.stdout(generalHelp(commands));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    out.stdout(`otelgate ${OTELGATE_VERSION}\n`);
    return 0;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      out.stdout(generalHelp(commands));
      return 0;
    }
    const topic = findCommand(commands, rest[0], out);
    if (!topic) return 2;
    out.stdout(commandHelp(topic));
    return 0;
  }
  const command = findCommand(commands, first, out);
  if (!command) return 2;
  if (rest.includes('--help') || rest.includes('-h')) {
    out.stdout(commandHelp(command));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: parseArgsOptions(command),
    });
    return await command.run({ values, positionals });
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      out.stderr(
        `otelgate ${command.name}: ${usageMessage(command, error as Error)}\nusage: otelgate ${command.usage}\n`,
      );
      out.stderr(`Run 'otelgate help ${command.name}' for the options.\n`);
      return 2;
    }
    throw error;
  }
}

function findCommand(commands: readonly Command[], name: string, out: Output): Command | undefined {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) return command;
  const what = name.startsWith('-') ? `unknown option "${name}"` : `unknown command "${name}"`;
  const nearest = nearestName(
    name.replace(/^-+/, ''),
    commands.map((candidate) => candidate.name),
  );
  out.stderr(`otelgate: ${what}${nearest ? `; did you mean "${nearest}"?` : ''}\n`);
  out.stderr(`Run 'otelgate help' for the list of commands.\n`);
  return undefined;
}

function parseArgsOptions(command: Command): ParseArgsOptionsConfig {
  return Object.fromEntries(
    Object.entries(command.options).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.multiple ? { multiple: true } : {}),
      },
    ]),
  );
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs's unknown-option message is long and offers no alternative; say it shorter, with the nearest option. */
function usageMessage(command: Command, error: Error): string {
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (!unknown) return error.message;
  const nearest = nearestName(unknown[2], Object.keys(command.options));
  return `unknown option "${unknown[1]}${unknown[2]}"${nearest ? `; did you mean "--${nearest}"?` : ''}`;
}
