// Soak: a moderate rate for an hour (DURATION to change); latency must stay flat (compare the
// p99 of the first and last ten minutes in the summary) and errors near zero.
import { sendMix } from './lib/send.js';

export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 50),
      timeUnit: '1s',
      duration: __ENV.DURATION || '1h',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    'http_req_duration{signal:traces}': ['p(99)<250'],
  },
};

export default function () {
  sendMix();
}
