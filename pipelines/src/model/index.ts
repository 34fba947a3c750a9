export * from './common.ts';
export * from './logs.ts';
export * from './metrics.ts';
export * from './traces.ts';
