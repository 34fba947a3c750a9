import { readFileSync } from 'node:fs';

/** The version in the root package.json. */
export const OTELGATE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
