// `node --import @otelgate/node/register app.js`: patches ES modules and CommonJS alike, configured
// by the OTEL_* environment variables.
import { registerEsmHook } from './esm-hook.ts';
import { init } from './init.ts';

const hooksAcknowledged = registerEsmHook();
init();
await hooksAcknowledged();
