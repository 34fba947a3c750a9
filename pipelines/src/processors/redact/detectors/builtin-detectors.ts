// Every built-in detector by name, in config order.
import { authCredentialDetector } from './auth-credential.ts';
import { awsAccessKeyDetector } from './aws-access-key.ts';
import type { Detector } from './detector.ts';
import { emailDetector } from './email.ts';
import { ibanDetector } from './iban.ts';
import { ipv4Detector, ipv6Detector } from './ip-address.ts';
import { jwtDetector } from './jwt.ts';
import { paymentCardDetector } from './payment-card.ts';
import { phoneDetector } from './phone.ts';
import { privateKeyDetector } from './private-key.ts';
import { secretKeyDetector } from './secret-key.ts';
import { secretParamDetector } from './secret-param.ts';
import { urlCredentialsDetector } from './url-credentials.ts';
import { usSsnDetector } from './us-ssn.ts';

export const BUILTIN_DETECTORS = {
  email: emailDetector,
  payment_card: paymentCardDetector,
  iban: ibanDetector,
  us_ssn: usSsnDetector,
  phone: phoneDetector,
  jwt: jwtDetector,
  auth_credential: authCredentialDetector,
  aws_access_key: awsAccessKeyDetector,
  secret_key: secretKeyDetector,
  private_key: privateKeyDetector,
  url_credentials: urlCredentialsDetector,
  secret_param: secretParamDetector,
  ipv4: ipv4Detector,
  ipv6: ipv6Detector,
} satisfies Record<string, Detector>;

export type BuiltinDetectorName = keyof typeof BUILTIN_DETECTORS;

/** Detectors on unless configured off; the IP detectors are off by default. */
export const DEFAULT_OFF: readonly BuiltinDetectorName[] = ['ipv4', 'ipv6'];
