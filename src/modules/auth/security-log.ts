import type { Logger } from '../../shared/logger.js';

/** Security events, each logged with `{ security: <event> }` so they can be filtered and alerted on. */
const LEVELS = {
  token_rejected: 'info',
  register: 'info',
  register_failed: 'info',
  register_rate_limited: 'warn',
  login: 'info',
  login_failed: 'warn',
  login_rate_limited: 'warn',
  refresh: 'info',
  refresh_failed: 'info',
  refresh_reuse: 'warn',
  logout: 'info',
  oauth_login: 'info',
  oauth_failed: 'warn',
  user_deactivated: 'info',
} as const;

export type SecurityEvent = keyof typeof LEVELS;

/**
 * Logs one security event. Fields are ids, reason codes and IPs only: never a token, password,
 * code, state or secret (the logger's redaction is the second line of defence).
 */
export function securityLog(
  logger: Logger,
  event: SecurityEvent,
  fields: { reason?: string; ip?: string; userId?: string | null; [k: string]: unknown },
): void {
  logger[LEVELS[event]]({ security: event, ...fields }, `auth: ${event.replace(/_/g, ' ')}`);
}
