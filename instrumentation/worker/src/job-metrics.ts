import { type Attributes, metrics } from '@opentelemetry/api';

const meter = () => metrics.getMeter('@otelgate/worker');
let instruments: ReturnType<typeof create> | undefined;

// OTLP names; in Prometheus they read jobs_total, job_duration_seconds, job_queue_wait_seconds, queue_depth.
function create() {
  const m = meter();
  return {
    jobs: m.createCounter('jobs', { description: 'Jobs and messages processed, by queue and status', unit: '{job}' }),
    duration: m.createHistogram('job.duration', { description: 'Time spent processing one job', unit: 's' }),
    wait: m.createHistogram('job.queue_wait', {
      description: 'Time from enqueue to the start of processing',
      unit: 's',
    }),
  };
}

export function recordJob(
  attributes: { queue: string; status: 'completed' | 'failed' } & Attributes,
  durationS: number,
  waitS?: number,
) {
  instruments ??= create();
  instruments.jobs.add(1, attributes);
  instruments.duration.record(durationS, attributes);
  if (waitS !== undefined && waitS >= 0) instruments.wait.record(waitS, { queue: attributes.queue });
}

/** Observes queue depth (waiting, active, delayed, failed) at each metric collection. */
export function observeQueueDepth(queue: string, counts: () => Promise<Record<string, number>>): { stop(): void } {
  let latest: Record<string, number> = {};
  const gauge = meter().createObservableGauge('queue.depth', {
    description: 'Jobs in the queue by state',
    unit: '{job}',
  });
  const refresh = () =>
    counts().then(
      (c) => {
        latest = c;
      },
      () => {},
    );
  const timer = setInterval(refresh, 5000);
  timer.unref();
  void refresh();
  const callback = (result: { observe(value: number, attributes: Attributes): void }) => {
    for (const [state, value] of Object.entries(latest)) result.observe(value, { queue, state });
  };
  gauge.addCallback(callback);
  return {
    stop() {
      clearInterval(timer);
      gauge.removeCallback(callback);
    },
  };
}
