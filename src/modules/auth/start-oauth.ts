import { AppError, badInput } from '../../shared/errors.js';
import {
  createPkcePair,
  OAUTH_STATE_TTL_SECONDS,
  OAuthProviderError,
  randomNonce,
  randomState,
  type OAuthProviderClient,
} from '../../shared/oauth2/index.js';
import { hashOpaqueToken, randomOpaqueToken } from '../../shared/security/index.js';
import type { AuthDeps } from './auth-deps.js';
import { OAuthAuthorization, type OAuthProviderName } from './oauth.types.js';

/** The configured client behind an enum value. @throws AppError BAD_USER_INPUT when not configured. */
export function providerClient(deps: AuthDeps, provider: OAuthProviderName): OAuthProviderClient {
  const client = deps.oauthProviders.get(provider);
  if (!client) throw badInput('provider', `Sign-in with ${provider} is not configured`);
  return client;
}

/**
 * Starts an authorization-code flow: a random `state`, a PKCE S256 verifier and (OIDC) a `nonce`, stored
 * server-side for 10 minutes, single use, bound to the provider, the redirect URI and the caller. The
 * caller gets a one-time `binding` secret (256 bits; only its SHA-256 is stored) that `oauthCallback` must
 * present: someone else who redeems the `(code, state)` of this flow — an attacker's, planted in a
 * victim's browser to sign the victim in as the attacker (login CSRF, RFC 9700 §4.7.1) — does not have it.
 * @param redirectUri must equal one of the provider's configured redirect URIs (exact match, RFC 9700 §2.1);
 * defaults to the first.
 * @throws AppError BAD_USER_INPUT (unknown provider or redirect URI) or OAUTH_PROVIDER_ERROR (discovery failed).
 */
export async function startOAuth(
  deps: AuthDeps,
  options: { provider: OAuthProviderName; redirectUri?: string | null },
): Promise<OAuthAuthorization> {
  const client = providerClient(deps, options.provider);
  const redirectUri = options.redirectUri ?? client.redirectUris[0];
  if (!redirectUri || !client.redirectUris.includes(redirectUri))
    throw badInput('redirectUri', 'This redirect URI is not allowed for the provider');
  const state = randomState();
  const nonce = client.kind === 'oidc' ? randomNonce() : null;
  const { codeVerifier, codeChallenge } = await createPkcePair();
  let url: URL;
  try {
    url = await client.authorizationUrl({ redirectUri, state, codeChallenge, nonce });
  } catch (err) {
    if (!(err instanceof OAuthProviderError)) throw err;
    deps.logger.warn(
      { security: 'oauth_failed', provider: client.name, reason: err.message },
      'auth: oauth provider unavailable',
    );
    throw new AppError('OAUTH_PROVIDER_ERROR', 'The sign-in provider is not available right now', {
      internal: err.message,
    });
  }
  const binding = randomOpaqueToken();
  await deps.oauthStates.put(
    state,
    {
      provider: options.provider,
      redirectUri,
      codeVerifier,
      nonce,
      bindingHash: hashOpaqueToken(binding),
      createdAt: deps.now(),
    },
    OAUTH_STATE_TTL_SECONDS,
  );
  return Object.assign(new OAuthAuthorization(), { url: url.href, state, binding });
}
