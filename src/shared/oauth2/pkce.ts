import * as client from 'openid-client';

/** A fresh PKCE pair (RFC 7636, S256): 43-character verifier and its SHA-256 challenge. */
export async function createPkcePair(): Promise<{ codeVerifier: string; codeChallenge: string }> {
  const codeVerifier = client.randomPKCECodeVerifier();
  return { codeVerifier, codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier) };
}

/** 256-bit random `state` value. */
export const randomState = (): string => client.randomState();

/** 256-bit random OIDC `nonce`. */
export const randomNonce = (): string => client.randomNonce();
