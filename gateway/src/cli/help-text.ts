import type { Command } from './command.ts';

const DOCS = 'Docs: docs/CONFIG.md (every option and default), docs/OPERATIONS.md (running it).';

/** `otelgate help`: every command with its one-line summary. */
export function generalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    'otelgate — an OpenTelemetry gateway',
    '',
    'Usage: otelgate <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  -h, --help     this text; `otelgate help <command>` or `otelgate <command> --help` for one command',
    '  -V, --version  print the version',
    '',
    DOCS,
    '',
  ].join('\n');
}

/** `otelgate help <command>` and `otelgate <command> --help`. */
export function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.value ? ` ${option.value}` : ''}`;
    return { flag, description: option.description };
  });
  options.push({ flag: '-h, --help', description: 'this text' });
  const width = Math.max(...options.map((option) => option.flag.length)) + 2;
  return [
    `otelgate ${command.name} — ${command.summary}`,
    '',
    `Usage: otelgate ${command.usage}`,
    ...(command.details ? ['', command.details.trim()] : []),
    '',
    'Options:',
    ...options.map((option) => `  ${option.flag.padEnd(width)}${option.description}`),
    '',
  ].join('\n');
}
