// `node --require @otelgate/node/register app.cjs` (CommonJS apps): published as dist/register.cjs.
// require-in-the-middle patches `require`, which is all a CommonJS app uses; the ES-module hook
// needs `--import` (register.ts), whose top-level await `--require` cannot load.
import { init } from './init.ts';

init();
