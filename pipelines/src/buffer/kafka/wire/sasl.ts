// SASL PLAIN and SCRAM-SHA-256/512 (RFC 5802) over SaslHandshake + SaslAuthenticate, with node:crypto.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection } from './connection.ts';
import { saslAuthenticate, saslHandshake } from './protocol.ts';

export interface SaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export async function authenticate(conn: Connection, sasl: SaslOptions): Promise<void> {
  const mechanism = sasl.mechanism.toUpperCase();
  await saslHandshake(conn, mechanism);
  if (sasl.mechanism === 'plain') {
    await saslAuthenticate(conn, Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`));
    return;
  }
  await scram(conn, sasl, sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512');
}

async function scram(conn: Connection, sasl: SaslOptions, digest: 'sha256' | 'sha512'): Promise<void> {
  const nonce = randomBytes(24).toString('base64');
  const user = sasl.username.replaceAll('=', '=3D').replaceAll(',', '=2C');
  const clientFirstBare = `n=${user},r=${nonce}`;
  const serverFirst = (await saslAuthenticate(conn, Buffer.from(`n,,${clientFirstBare}`))).toString();
  const fields = parse(serverFirst);
  const serverNonce = fields.get('r') ?? '';
  const salt = Buffer.from(fields.get('s') ?? '', 'base64');
  const iterations = Number(fields.get('i'));
  if (!serverNonce.startsWith(nonce) || salt.length === 0 || !(iterations > 0)) {
    throw new Error(`SASL authentication with ${conn.address}: malformed SCRAM server message`);
  }
  const keyLength = digest === 'sha256' ? 32 : 64;
  const salted = pbkdf2Sync(sasl.password, salt, iterations, keyLength, digest);
  const clientKey = hmac(digest, salted, 'Client Key');
  const storedKey = createHash(digest).update(clientKey).digest();
  const clientFinalBare = `c=biws,r=${serverNonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalBare}`;
  const signature = hmac(digest, storedKey, authMessage);
  const proof = Buffer.alloc(keyLength);
  for (let i = 0; i < keyLength; i++) proof[i] = clientKey[i] ^ signature[i];
  const serverFinal = parse(
    (await saslAuthenticate(conn, Buffer.from(`${clientFinalBare},p=${proof.toString('base64')}`))).toString(),
  );
  const error = serverFinal.get('e');
  if (error) throw new Error(`SASL authentication with ${conn.address} failed: ${error}`);
  const expected = hmac(digest, hmac(digest, salted, 'Server Key'), authMessage);
  const got = Buffer.from(serverFinal.get('v') ?? '', 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new Error(`SASL authentication with ${conn.address}: the broker's SCRAM signature does not verify`);
  }
}

function hmac(digest: string, key: Buffer, data: string): Buffer {
  return createHmac(digest, key).update(data).digest();
}

function parse(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return fields;
}
