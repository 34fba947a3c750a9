// Steady: a constant arrival rate for several minutes; p95 ack latency and error rate must hold.
import { sendMix } from './lib/send.js';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 100),
      timeUnit: '1s',
      duration: __ENV.DURATION || '5m',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    'http_req_duration{signal:traces}': ['p(95)<100', 'p(99)<250'],
  },
};

export default function () {
  sendMix();
}
