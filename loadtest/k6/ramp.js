// Ramp: arrival rate climbs to find where latency bends; refusals must be 429/503, never 5xx.
import { sendMix } from './lib/send.js';

const peak = Number(__ENV.PEAK_RATE || 800);

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 400,
      stages: [
        { target: peak / 4, duration: '1m' },
        { target: peak / 2, duration: '1m' },
        { target: peak, duration: '2m' },
        { target: 10, duration: '30s' },
      ],
    },
  },
  thresholds: {
    'http_req_duration{signal:traces}': ['p(95)<500'],
    http_req_failed: ['rate<0.05'],
    'http_reqs{status:500}': ['count==0'],
  },
};

export default function () {
  sendMix();
}
