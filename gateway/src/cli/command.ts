/** One option of a command: parsed by node:util parseArgs, described in the command's help. */
export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help for a string option (`FILE`, `N`). */
  value?: string;
  /** May be given several times (`--url A --url B`): the value is then an array. */
  multiple?: boolean;
  description: string;
}

export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/**
 * A CLI command. Register a new one with one line in the table in cli.ts; `otelgate help`,
 * `otelgate help <name>`, `<name> --help` and unknown-option errors come from these fields.
 */
export interface Command {
  name: string;
  /** One line for the command list in `otelgate help`. */
  summary: string;
  /** The synopsis after `otelgate `, e.g. `validate --config FILE`. */
  usage: string;
  /** Paragraphs printed by `otelgate help <name>` after the synopsis. */
  details?: string;
  options: Record<string, CommandOption>;
  /** Resolves to the exit code. Throw a `UsageError` for bad arguments (exit 2); other errors exit 1. */
  run(args: CommandArgs): Promise<number>;
}

/** Wrong arguments: printed with a pointer to the command's help, exit code 2. */
export class UsageError extends Error {}

/** A string option's value, or undefined; a boolean given for it is a usage error. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
