// The admin token: endpoints that change state or show data (dead letters, the tap, reload, alert
// acknowledgement) need
// `Authorization: Bearer <admin.token>`; health, readiness, metrics and status stay open.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AdminDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

const NOT_CONFIGURED =
  'no admin token is configured: set admin.token in the config (for example `token: ${env:OTELGATE_ADMIN_TOKEN}`) ' +
  'and send it as "Authorization: Bearer <token>"';

/**
 * Checks a request against the configured token (read on every call, so a reload changes it).
 * No token configured: refused with 403 on any address, loopback included (another local user or
 * a local SSRF reaches loopback as easily). Missing header: 401. Wrong token: 403.
 */
export function checkAdminToken(request: IncomingMessage, configured: string | undefined): AdminDecision {
  if (!configured) return { ok: false, status: 403, message: NOT_CONFIGURED };
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!match) return { ok: false, status: 401, message: 'this endpoint needs "Authorization: Bearer <admin token>"' };
  if (!sameSecret(match[1], configured)) return { ok: false, status: 403, message: 'the admin token is wrong' };
  return { ok: true };
}

/** Constant-time: both sides are hashed first so neither the length nor the content leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
