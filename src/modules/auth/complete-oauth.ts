import { AppError } from '../../shared/errors.js';
import { OAuthProviderError } from '../../shared/oauth2/index.js';
import { hashOpaqueToken, safeEqual } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import type { AuthPayload } from './auth-payload.type.js';
import { issueTokens } from './issue-tokens.js';
import { linkOAuthUser } from './link-oauth-user.js';
import type { OAuthProviderName } from './oauth.types.js';
import { securityLog } from './security-log.js';
import { providerClient } from './start-oauth.js';

export interface CompleteOAuthOptions {
  readonly provider: OAuthProviderName;
  readonly code: string;
  readonly state: string;
  /** The binding secret `oauthAuthorizeUrl` gave the client that started the flow. */
  readonly binding: string;
  readonly meta: ClientMeta;
}

/**
 * Finishes the flow `startOAuth` began: takes the state (single use), checks that the caller holds the
 * flow's binding secret and that the state was issued for this provider, exchanges the code with the PKCE verifier, validates the ID token (OIDC), links or creates
 * the user and starts a session.
 * @throws AppError OAUTH_STATE_INVALID (unknown, expired, reused or other provider's state, or a binding that
 * is not the flow's),
 * OAUTH_PROVIDER_ERROR (any provider failure; details only in the log), UNAUTHENTICATED (deactivated user).
 */
export async function completeOAuth(deps: AuthDeps, options: CompleteOAuthOptions): Promise<AuthPayload> {
  const { ip } = options.meta;
  // Taken (deleted) before the checks: a state presented with the wrong binding or provider is spent too.
  const record = await deps.oauthStates.take(options.state);
  const reason = !record
    ? 'state_unknown'
    : typeof record.bindingHash !== 'string' || !safeEqual(hashOpaqueToken(options.binding), record.bindingHash)
      ? 'state_binding_mismatch'
      : record.provider !== options.provider
        ? 'state_provider_mismatch'
        : null;
  if (!record || reason) {
    securityLog(deps.logger, 'oauth_failed', { provider: options.provider, reason: reason ?? 'state_unknown', ip });
    throw new AppError('OAUTH_STATE_INVALID', 'The sign-in request expired or is not valid; start again');
  }
  const client = providerClient(deps, options.provider);
  let profile;
  try {
    profile = await client.exchange({
      code: options.code,
      state: options.state,
      redirectUri: record.redirectUri,
      codeVerifier: record.codeVerifier,
      nonce: record.nonce,
    });
  } catch (err) {
    if (!(err instanceof OAuthProviderError)) throw err;
    securityLog(deps.logger, 'oauth_failed', { provider: client.name, reason: err.message, ip });
    throw new AppError('OAUTH_PROVIDER_ERROR', 'The sign-in provider could not complete the login', {
      internal: err.message,
    });
  }
  let linked;
  try {
    linked = await linkOAuthUser(deps, { provider: client.name, profile });
  } catch (err) {
    if (err instanceof AppError)
      securityLog(deps.logger, 'oauth_failed', {
        provider: client.name,
        reason: err.code === 'FORBIDDEN' ? 'email_has_password' : 'no_verified_email',
        ip,
      });
    throw err;
  }
  if (!linked.user.active) {
    securityLog(deps.logger, 'oauth_failed', { provider: client.name, reason: 'inactive', userId: linked.user.id, ip });
    throw new AppError('UNAUTHENTICATED', 'This account is deactivated');
  }
  const user = await deps.prisma.user.update({
    where: { id: linked.user.id },
    data: { lastLoginAt: new Date(deps.now()) },
  });
  securityLog(deps.logger, 'oauth_login', { provider: client.name, userId: user.id, outcome: linked.outcome, ip });
  return issueTokens(deps, { user, meta: options.meta });
}
