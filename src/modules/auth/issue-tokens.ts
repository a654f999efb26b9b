import { randomUUID } from 'node:crypto';
import type { Tier } from '../../config/index.js';
import { hashOpaqueToken, randomOpaqueToken } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import { AuthPayload } from './auth-payload.type.js';
import { toUser } from './user.type.js';

type UserRow = Parameters<typeof toUser>[0];

export interface IssueTokensOptions {
  readonly user: UserRow;
  readonly meta: ClientMeta;
  /** Continue a refresh-token family (rotation); omitted: a new session (new family). */
  readonly familyId?: string;
  /** Id of the new refresh-token row, when the caller already reserved it (rotation). */
  readonly sessionId?: string;
  /** Where to store the refresh row (an interactive transaction); default `deps.prisma`. */
  readonly db?: Pick<AuthDeps['prisma'], 'refreshToken'>;
}

/**
 * Starts or continues a session: stores a new refresh token (hashed) and signs an access token carrying
 * the user's current tier. The access token carries the family id as its session (`sid`), so ending the
 * family (logout, deactivation, reuse detection) also ends its access tokens; it gets its own `jti`.
 */
export async function issueTokens(deps: AuthDeps, options: IssueTokensOptions): Promise<AuthPayload> {
  const refreshToken = randomOpaqueToken();
  const id = options.sessionId ?? randomUUID();
  const familyId = options.familyId ?? id;
  await (options.db ?? deps.prisma).refreshToken.create({
    data: {
      id,
      familyId,
      userId: options.user.id,
      tokenHash: hashOpaqueToken(refreshToken),
      expiresAt: new Date(deps.now() + deps.refreshTtlSeconds * 1000),
      userAgent: options.meta.userAgent?.slice(0, 512) ?? null,
      ip: options.meta.ip.slice(0, 64),
    },
  });
  const { token } = await deps.accessTokens.sign({
    sub: options.user.id,
    tier: options.user.tier as Tier,
    jti: randomUUID(),
    sid: familyId,
  });
  return Object.assign(new AuthPayload(), {
    accessToken: token,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: deps.accessTokens.ttlSeconds,
    user: toUser(options.user),
  });
}
