import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { hashOpaqueToken } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import type { AuthPayload } from './auth-payload.type.js';
import { issueTokens } from './issue-tokens.js';
import { securityLog } from './security-log.js';

export interface RefreshSessionOptions {
  readonly refreshToken: string;
  readonly meta: ClientMeta;
}

const invalid = () => new AppError('UNAUTHENTICATED', 'Invalid or expired refresh token');

/**
 * Rotates a refresh token: retires it (revokedAt + replacedBy) and issues a new pair in the same family,
 * with an access token carrying the user's current tier.
 *
 * Reuse detection (as Supabase Auth does): presenting a token that was already rotated means a copy
 * exists somewhere else; every token of its family is revoked and the caller gets REFRESH_TOKEN_REUSED,
 * so both the thief and the user must log in again. Retiring is a conditional update
 * (`WHERE revoked_at IS NULL`), so two concurrent refreshes with one token cannot both win.
 * @throws AppError UNAUTHENTICATED (unknown, expired, logged out, deactivated user) or REFRESH_TOKEN_REUSED.
 */
export async function refreshSession(deps: AuthDeps, options: RefreshSessionOptions): Promise<AuthPayload> {
  const { ip } = options.meta;
  const row = await deps.prisma.refreshToken.findUnique({
    where: { tokenHash: hashOpaqueToken(options.refreshToken) },
    include: { user: true },
  });
  if (!row) {
    securityLog(deps.logger, 'refresh_failed', { reason: 'unknown_token', ip });
    throw invalid();
  }
  const now = new Date(deps.now());
  if (row.revokedAt) {
    if (row.replacedBy) return reuse(deps, row, ip);
    securityLog(deps.logger, 'refresh_failed', { reason: 'revoked', ip, userId: row.userId });
    throw invalid();
  }
  if (row.expiresAt <= now) {
    securityLog(deps.logger, 'refresh_failed', { reason: 'expired', ip, userId: row.userId });
    throw invalid();
  }
  if (!row.user.active) {
    securityLog(deps.logger, 'refresh_failed', { reason: 'inactive', ip, userId: row.userId });
    throw invalid();
  }
  const nextId = randomUUID();
  const retired = await deps.prisma.refreshToken.updateMany({
    where: { id: row.id, revokedAt: null },
    data: { revokedAt: now, replacedBy: nextId },
  });
  if (retired.count !== 1) return reuse(deps, row, ip);
  securityLog(deps.logger, 'refresh', { userId: row.userId, familyId: row.familyId, ip });
  return issueTokens(deps, { user: row.user, meta: options.meta, familyId: row.familyId, sessionId: nextId });
}

async function reuse(deps: AuthDeps, row: { familyId: string; userId: string }, ip: string): Promise<never> {
  const revoked = await deps.prisma.refreshToken.updateMany({
    where: { familyId: row.familyId, revokedAt: null },
    data: { revokedAt: new Date(deps.now()) },
  });
  securityLog(deps.logger, 'refresh_reuse', { userId: row.userId, familyId: row.familyId, revoked: revoked.count, ip });
  throw new AppError(
    'REFRESH_TOKEN_REUSED',
    'This refresh token was already used; every session of its family has been revoked',
  );
}
