export { enqueueTraced, observeBullmqQueue, traceProcessor } from './bullmq.ts';
export { CONTEXT_FIELD, extractContext, injectContext } from './carrier.ts';
export { type ConsumeOptions, consume } from './consume.ts';
export { closeOnSignal } from './graceful-shutdown.ts';
export { kafkaTraceHeaders, type KafkaMessagePayload, traceEachMessage } from './kafka.ts';
