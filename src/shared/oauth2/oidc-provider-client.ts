import * as client from 'openid-client';
import type { OAuthProviderConfig } from '../../config/index.js';
import { OAuthProviderError, type OAuthProfile, type OAuthProviderClient } from './provider-client.js';

export interface OidcClientOptions {
  readonly provider: OAuthProviderConfig;
  /** Timeout of every call to the provider, in ms. */
  readonly timeoutMs: number;
  /** Honour `provider.allowInsecureRequests` (plain http issuers). The composition root passes `!isProduction`. */
  readonly allowInsecure: boolean;
}

/**
 * An OpenID Connect provider (Google, Keycloak, any issuer) through openid-client 6: discovery on first
 * use (retried on the next call when it fails), authorization-code flow with PKCE S256 and nonce,
 * ID token validation (signature, iss, aud, nonce, exp), userinfo when the ID token carries no email.
 */
export function createOidcProviderClient(options: OidcClientOptions): OAuthProviderClient {
  const { provider } = options;
  if (!provider.issuer) throw new TypeError(`OIDC provider ${provider.name} needs an issuer`);
  const issuer = new URL(provider.issuer);
  const insecure = options.allowInsecure && provider.allowInsecureRequests;
  const timeoutSeconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  let configuration: Promise<client.Configuration> | null = null;

  const discover = (): Promise<client.Configuration> => {
    configuration ??= client
      .discovery(issuer, provider.clientId, undefined, client.ClientSecretBasic(provider.clientSecret.reveal()), {
        timeout: timeoutSeconds,
        execute: insecure ? [client.allowInsecureRequests] : [],
      })
      .then((c) => {
        c.timeout = timeoutSeconds;
        return c;
      })
      .catch((err: unknown) => {
        configuration = null;
        throw new OAuthProviderError(`discovery failed for ${provider.name}: ${describe(err)}`, { cause: err });
      });
    return configuration;
  };

  return {
    name: provider.name,
    kind: 'oidc',
    redirectUris: provider.redirectUris,
    async authorizationUrl(request) {
      const config = await discover();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        scope: provider.scopes.join(' '),
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
        ...(request.nonce ? { nonce: request.nonce } : {}),
      });
    },
    async exchange(request) {
      const config = await discover();
      const callback = new URL(request.redirectUri);
      callback.searchParams.set('code', request.code);
      callback.searchParams.set('state', request.state);
      // RFC 9207: servers that announce `iss` in authorization responses make openid-client require it.
      // Clients send us only code and state; the state is bound to this provider, which is what the
      // `iss` check protects (mix-up attacks), so the expected issuer is supplied here.
      const metadata = config.serverMetadata();
      if (metadata.authorization_response_iss_parameter_supported) callback.searchParams.set('iss', metadata.issuer);
      try {
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: request.codeVerifier,
          expectedState: request.state,
          ...(request.nonce ? { expectedNonce: request.nonce } : {}),
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new OAuthProviderError('no ID token');
        let email = typeof claims.email === 'string' ? claims.email : null;
        let verified = claims.email_verified === true;
        let name = typeof claims.name === 'string' ? claims.name : null;
        if (!email) {
          const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
          email = typeof info.email === 'string' ? info.email : null;
          verified = info.email_verified === true;
          name ??= typeof info.name === 'string' ? info.name : null;
        }
        return {
          accountId: claims.sub,
          email: email?.trim().toLowerCase() ?? null,
          emailVerified: verified,
          name,
        } satisfies OAuthProfile;
      } catch (err) {
        if (err instanceof OAuthProviderError) throw err;
        throw new OAuthProviderError(`code exchange failed for ${provider.name}: ${describe(err)}`, { cause: err });
      }
    },
  };
}

/** A short description of an openid-client error: its code and the provider's `error` value, never a body. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const e = err as Error & { code?: string; error?: string; status?: number };
  return [e.name, e.code, e.error, e.status].filter((x) => x !== undefined).join(' ');
}
