export { createMemoryOAuthStateStore, createRedisOAuthStateStore, OAUTH_STATE_TTL_SECONDS } from './state-store.js';
export type { OAuthStateRecord, OAuthStateStore } from './state-store.js';
export { OAuthProviderError } from './provider-client.js';
export type { AuthorizationRequest, CodeExchange, OAuthProfile, OAuthProviderClient } from './provider-client.js';
export { createOidcProviderClient } from './oidc-provider-client.js';
export type { OidcClientOptions } from './oidc-provider-client.js';
export { createGitHubProviderClient } from './github-provider-client.js';
export type { GitHubClientOptions } from './github-provider-client.js';
export { createPkcePair, randomNonce, randomState } from './pkce.js';
