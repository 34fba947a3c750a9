export { recordExpressErrors } from './express-error-handler.ts';
export { recordFastifyErrors } from './fastify-error-hook.ts';
export { type NodeTelemetry, init } from './init.ts';
export type { NodeTelemetryOptions } from './options.ts';
export { registerEsmHook } from './esm-hook.ts';
export { flushGlobalProviders } from './flush-providers.ts';
