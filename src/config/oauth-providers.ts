import { z } from 'zod';
import { Secret } from './secret.js';

/** One configured OAuth2/OIDC provider. `kind: 'oidc'` uses discovery; `github` uses GitHub's OAuth2 endpoints. */
export interface OAuthProviderConfig {
  readonly name: string;
  readonly kind: 'oidc' | 'github';
  readonly issuer?: string;
  readonly authorizationEndpoint?: string;
  readonly tokenEndpoint?: string;
  readonly apiBaseUrl?: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
  /** Allow plain-http endpoints (loopback test providers only); refused in production by loadConfig. */
  readonly allowInsecureRequests: boolean;
}

const providerSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'provider name must be alphanumeric'),
  kind: z.enum(['oidc', 'github']).optional(),
  issuer: z.url().optional(),
  authorizationEndpoint: z.url().optional(),
  tokenEndpoint: z.url().optional(),
  apiBaseUrl: z.url().optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).min(1),
  scopes: z.array(z.string().min(1)).optional(),
  allowInsecureRequests: z.boolean().optional(),
});

/**
 * Parses OAUTH2_PROVIDERS. Names are case-insensitive (stored upper-case, matching the GraphQL enum).
 * @returns the providers, or a message describing the problem (never echoing the secret).
 */
export function parseOAuthProviders(
  raw: string,
): { ok: true; value: OAuthProviderConfig[] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'not valid JSON' };
  }
  const parsed = z.array(providerSchema).safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, message: `invalid at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}` };
  }
  const seen = new Set<string>();
  const out: OAuthProviderConfig[] = [];
  for (const p of parsed.data) {
    const name = p.name.toUpperCase();
    if (seen.has(name)) return { ok: false, message: `duplicate provider ${name}` };
    seen.add(name);
    const kind = p.kind ?? (name === 'GITHUB' ? 'github' : 'oidc');
    if (kind === 'oidc' && !p.issuer) {
      if (name !== 'GOOGLE') return { ok: false, message: `provider ${name}: issuer is required for kind oidc` };
    }
    out.push(
      Object.freeze({
        name,
        kind,
        issuer: p.issuer ?? (name === 'GOOGLE' ? 'https://accounts.google.com' : undefined),
        authorizationEndpoint:
          p.authorizationEndpoint ?? (kind === 'github' ? 'https://github.com/login/oauth/authorize' : undefined),
        tokenEndpoint:
          p.tokenEndpoint ?? (kind === 'github' ? 'https://github.com/login/oauth/access_token' : undefined),
        apiBaseUrl: p.apiBaseUrl ?? (kind === 'github' ? 'https://api.github.com' : undefined),
        clientId: p.clientId,
        clientSecret: new Secret(p.clientSecret),
        redirectUris: Object.freeze([...p.redirectUris]),
        scopes: Object.freeze(
          p.scopes ?? (kind === 'github' ? ['read:user', 'user:email'] : ['openid', 'email', 'profile']),
        ),
        allowInsecureRequests: p.allowInsecureRequests ?? false,
      }),
    );
  }
  return { ok: true, value: out };
}
