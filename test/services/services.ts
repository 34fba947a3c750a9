// The real services the suites share. Each entry is a script in test/services/ that takes
// `start` (idempotent; waits until ready; prints KEY=VALUE lines for the tests' environment)
// and `stop`. Select a subset with OTELGATE_SERVICES=kafka,elasticsearch (default: all).
export const SERVICES: { name: string; script: string }[] = [
  { name: 'postgres', script: 'postgres' },
  { name: 'redis', script: 'redis' },
  { name: 'kafka', script: 'kafka' },
  { name: 'prometheus', script: 'prometheus' },
  { name: 'elasticsearch', script: 'elasticsearch' },
];
