import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding docker-compose.yml). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path under the repository root. */
export function repoPath(relative: string): string {
  return `${repoRoot}${relative}`;
}

/** The variables of `.env.example`, as docker compose would read them from a copied `.env`. */
export function envExample(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(repoPath('.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    // Values are double-quoted (so the file sources in a shell); compose strips the quotes too.
    if (match) env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}
