// What a detected value becomes: `[REDACTED:kind]` (mask) or `[HMAC:kind:<hex>]` (hash: a
// keyed HMAC-SHA256 of the value, so equal values still correlate but cannot be guessed by
// hashing candidates without the key).
import { createHmac } from 'node:crypto';

export class Replacement {
  private readonly secret: string | undefined;
  private readonly hexLength: number;

  constructor(secret: string | undefined, hexLength: number) {
    this.secret = secret;
    this.hexLength = hexLength;
  }

  mask(kind: string): string {
    return `[REDACTED:${kind}]`;
  }

  hash(kind: string, value: string): string {
    if (this.secret === undefined) throw new Error('hash mode without a secret'); // the schema refuses this config
    const digest = createHmac('sha256', this.secret).update(value).digest('hex').slice(0, this.hexLength);
    return `[HMAC:${kind}:${digest}]`;
  }
}
