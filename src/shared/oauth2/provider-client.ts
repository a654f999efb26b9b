/** The identity a provider vouches for after a successful code exchange. */
export interface OAuthProfile {
  /** Stable account id at the provider (OIDC `sub`, GitHub numeric id). */
  readonly accountId: string;
  /** Lower-cased email, or null when the provider gave none. */
  readonly email: string | null;
  /** True only when the provider asserts the email is verified. */
  readonly emailVerified: boolean;
  readonly name: string | null;
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  /** PKCE S256 challenge of the stored verifier. */
  readonly codeChallenge: string;
  /** OIDC only. */
  readonly nonce: string | null;
}

export interface CodeExchange {
  readonly code: string;
  readonly state: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly nonce: string | null;
}

/** One configured provider: builds the authorization URL and turns a code into a profile. */
export interface OAuthProviderClient {
  /** Upper-case configured name (GOOGLE, GITHUB, KEYCLOAK…). */
  readonly name: string;
  readonly kind: 'oidc' | 'github';
  readonly redirectUris: readonly string[];
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /**
   * Exchanges the code (with the PKCE verifier), validates the ID token (OIDC: issuer, audience, nonce,
   * expiry) and fetches the profile.
   * @throws OAuthProviderError for any provider-side failure (its message is for logs only).
   */
  exchange(request: CodeExchange): Promise<OAuthProfile>;
}

/** A provider call failed. `message` may contain provider error codes: log it, never show it to clients. */
export class OAuthProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OAuthProviderError';
  }
}
