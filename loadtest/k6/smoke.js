// Smoke: a few requests of each signal must all be accepted, quickly. CI runs this one.
import { sendMix } from './lib/send.js';

export const options = {
  vus: 2,
  duration: __ENV.DURATION || '10s',
  thresholds: {
    http_req_failed: ['rate==0'],
    'http_req_duration{signal:traces}': ['p(95)<500'],
    checks: ['rate==1'],
  },
};

export default function () {
  sendMix();
}
