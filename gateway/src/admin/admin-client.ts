// What the CLI commands that call the admin port share: the `--token` option, where the token
// comes from, and the admin base URL.
import type { CommandOption } from '../cli/command.ts';

export const ADMIN_TOKEN_OPTION: CommandOption = {
  type: 'string',
  value: 'TOKEN',
  description: "the admin token (default: $OTELGATE_ADMIN_TOKEN, then the config's admin.token)",
};

/** `--token`, else `$OTELGATE_ADMIN_TOKEN`, else the config's `admin.token`. */
export function resolveAdminToken(flag: string | undefined, configured: string | undefined): string | undefined {
  return flag || process.env.OTELGATE_ADMIN_TOKEN || configured || undefined;
}

/** `http://host:port` of an admin endpoint; a wildcard bind is reached on loopback. */
export function adminBaseUrl(endpoint: string): string {
  const host = endpoint.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${host}`;
}
