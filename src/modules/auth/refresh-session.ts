import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { hashOpaqueToken, randomOpaqueToken } from '../../shared/security/index.js';
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
 * (`WHERE revoked_at IS NULL`) in the same transaction as the new row, so two concurrent refreshes with
 * one token cannot both win, and the loser's family revocation always reaches the winner's new row. A
 * family with a row revoked without successor (logout, deactivation, reuse) refreshes no more.
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
  // Retire and create in one transaction: a racing refresh with the same token waits on the row lock of
  // the conditional update, finds it retired, and its reuse revocation then sees (and revokes) the new row.
  const outcome = await deps.prisma.$transaction(async (tx) => {
    const retired = await tx.refreshToken.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { revokedAt: now, replacedBy: nextId },
    });
    if (retired.count !== 1) return 'reused' as const;
    // A family ended by logout, deactivation or reuse detection has a row revoked without a successor:
    // a row that slipped in afterwards must not keep the session alive.
    const ended = await tx.refreshToken.findFirst({
      where: { familyId: row.familyId, revokedAt: { not: null }, replacedBy: null },
      select: { id: true },
    });
    if (ended) {
      await tx.refreshToken.update({ where: { id: row.id }, data: { replacedBy: null } });
      return 'ended' as const;
    }
    return issueTokens(deps, {
      user: row.user,
      meta: options.meta,
      familyId: row.familyId,
      sessionId: nextId,
      db: tx,
    });
  });
  if (outcome === 'reused') return reuse(deps, row, ip);
  if (outcome === 'ended') {
    securityLog(deps.logger, 'refresh_failed', { reason: 'family_revoked', ip, userId: row.userId });
    throw invalid();
  }
  securityLog(deps.logger, 'refresh', { userId: row.userId, familyId: row.familyId, ip });
  return outcome;
}

/**
 * Revokes every live token of the family. When none is live (the winner of a race had not stored its
 * row yet), a revoked marker row without successor is added, so the family counts as ended at the
 * next refresh whatever row appears later.
 */
async function reuse(deps: AuthDeps, row: { familyId: string; userId: string }, ip: string): Promise<never> {
  const now = new Date(deps.now());
  const revoked = await deps.prisma.refreshToken.updateMany({
    where: { familyId: row.familyId, revokedAt: null },
    data: { revokedAt: now },
  });
  if (revoked.count === 0)
    await deps.prisma.refreshToken.create({
      data: {
        familyId: row.familyId,
        userId: row.userId,
        tokenHash: hashOpaqueToken(randomOpaqueToken()),
        expiresAt: new Date(deps.now() + deps.refreshTtlSeconds * 1000),
        revokedAt: now,
      },
    });
  securityLog(deps.logger, 'refresh_reuse', { userId: row.userId, familyId: row.familyId, revoked: revoked.count, ip });
  throw new AppError(
    'REFRESH_TOKEN_REUSED',
    'This refresh token was already used; every session of its family has been revoked',
  );
}
