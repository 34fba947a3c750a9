// Spike: 5x the steady rate for 30 s. The gateway may refuse (429/503 with Retry-After) but must
// not fail (5xx other than 503), and must recover once the spike passes.
import { sendMix } from './lib/send.js';

const base = Number(__ENV.RATE || 100);

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: base,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 600,
      stages: [
        { target: base, duration: '30s' },
        { target: base * 5, duration: '5s' },
        { target: base * 5, duration: '30s' },
        { target: base, duration: '5s' },
        { target: base, duration: '1m' },
      ],
    },
  },
  thresholds: {
    'http_req_duration{signal:traces}': ['p(95)<1000'],
    'http_reqs{status:500}': ['count==0'],
  },
};

export default function () {
  sendMix();
}
