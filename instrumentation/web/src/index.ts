export type { WebTelemetryOptions } from './options.ts';
export { startWebTelemetry, type WebTelemetry } from './start.ts';
