export { AUTH_PUBLIC_FIELDS, AUTH_RESOLVERS, createAuthModule } from './create-auth-module.js';
export type { AuthModule, CreateAuthModuleOptions } from './create-auth-module.js';
export { AuthResolver } from './auth.resolver.js';
export { OAuthResolver } from './oauth.resolver.js';
export { User } from './user.type.js';
export { AuthPayload } from './auth-payload.type.js';
export { OAuthAuthorization, OAuthProviderEnum } from './oauth.types.js';
export type { Authenticate, AuthenticateResult } from './verify-access-token.js';
