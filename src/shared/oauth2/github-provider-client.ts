import type { OAuthProviderConfig } from '../../config/index.js';
import { OAuthProviderError, type OAuthProfile, type OAuthProviderClient } from './provider-client.js';

export interface GitHubClientOptions {
  readonly provider: OAuthProviderConfig;
  /** Timeout of every call to GitHub, in ms. */
  readonly timeoutMs: number;
  /** The fetch to use (tests and proxies). Default: global fetch. */
  readonly fetch?: typeof fetch;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's OAuth2 (not OIDC): authorize URL with PKCE, token exchange at the token endpoint with
 * `Accept: application/json` (GitHub answers form-encoded otherwise), `GET /user`, and `GET /user/emails`
 * for the primary verified address (`/user` shows only the public email, with no verification flag).
 */
export function createGitHubProviderClient(options: GitHubClientOptions): OAuthProviderClient {
  const { provider } = options;
  const doFetch = options.fetch ?? fetch;
  const { authorizationEndpoint, tokenEndpoint, apiBaseUrl } = provider;
  if (!authorizationEndpoint || !tokenEndpoint || !apiBaseUrl)
    throw new TypeError(`GitHub provider ${provider.name} needs its endpoints`);
  const api = apiBaseUrl.replace(/\/+$/, '');

  const call = async (url: string, init: RequestInit, what: string): Promise<unknown> => {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (err) {
      throw new OAuthProviderError(`${what}: ${(err as Error).name}`, { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new OAuthProviderError(`${what}: HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch (err) {
      throw new OAuthProviderError(`${what}: response is not JSON`, { cause: err });
    }
  };
  const apiGet = (path: string, accessToken: string) =>
    call(
      `${api}${path}`,
      {
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${accessToken}`,
          'User-Agent': 'pharos',
          'X-GitHub-Api-Version': '2022-11-28',
        },
      },
      `GET ${path}`,
    );

  return {
    name: provider.name,
    kind: 'github',
    redirectUris: provider.redirectUris,
    async authorizationUrl(request) {
      const url = new URL(authorizationEndpoint);
      url.searchParams.set('client_id', provider.clientId);
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('scope', provider.scopes.join(' '));
      url.searchParams.set('state', request.state);
      url.searchParams.set('code_challenge', request.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      url.searchParams.set('allow_signup', 'true');
      return url;
    },
    async exchange(request) {
      const body = new URLSearchParams({
        client_id: provider.clientId,
        client_secret: provider.clientSecret.reveal(),
        code: request.code,
        redirect_uri: request.redirectUri,
        code_verifier: request.codeVerifier,
      });
      const token = (await call(
        tokenEndpoint,
        {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
          body,
        },
        'token exchange',
      )) as {
        access_token?: unknown;
        error?: unknown;
      };
      // GitHub reports a bad code as HTTP 200 with { error: "bad_verification_code" }.
      if (typeof token.access_token !== 'string')
        throw new OAuthProviderError(
          `token exchange: ${typeof token.error === 'string' ? token.error : 'no access_token'}`,
        );
      const user = (await apiGet('/user', token.access_token)) as {
        id?: unknown;
        email?: unknown;
        name?: unknown;
        login?: unknown;
      };
      if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new OAuthProviderError('GET /user: no id');
      const emails = (await apiGet('/user/emails', token.access_token)) as GitHubEmail[];
      const primary = Array.isArray(emails)
        ? (emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified))
        : undefined;
      const publicEmail = typeof user.email === 'string' ? user.email.toLowerCase() : null;
      const profile: OAuthProfile = {
        accountId: String(user.id),
        email: primary ? primary.email.toLowerCase() : publicEmail,
        emailVerified: primary !== undefined,
        name: typeof user.name === 'string' ? user.name : typeof user.login === 'string' ? user.login : null,
      };
      return profile;
    },
  };
}
