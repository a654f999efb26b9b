import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../shared/context.js';
import type { AuthDeps } from './auth-deps.js';
import { AuthPayload } from './auth-payload.type.js';
import { completeOAuth } from './complete-oauth.js';
import { OAuthAuthorization, OAuthProviderEnum, type OAuthProviderName } from './oauth.types.js';
import { startOAuth } from './start-oauth.js';

/** Sign-in with Google, GitHub or a generic OIDC provider. Both mutations are public. */
@Resolver()
export class OAuthResolver {
  constructor(private readonly deps: AuthDeps) {}

  @Mutation(() => OAuthAuthorization, { description: 'Step 1: where to send the user. Public.' })
  oauthAuthorizeUrl(
    @Arg('provider', () => OAuthProviderEnum) provider: OAuthProviderName,
    @Arg('redirectUri', () => String, { nullable: true }) redirectUri: string | null | undefined,
  ): Promise<OAuthAuthorization> {
    return startOAuth(this.deps, { provider, redirectUri });
  }

  @Mutation(() => AuthPayload, {
    description:
      'Step 2: the code and state the provider sent to the redirect URI, and the binding from step 1. Public.',
  })
  oauthCallback(
    @Arg('provider', () => OAuthProviderEnum) provider: OAuthProviderName,
    @Arg('code', () => String) code: string,
    @Arg('state', () => String) state: string,
    @Arg('binding', () => String, {
      description: 'The binding secret oauthAuthorizeUrl returned with this state (login-CSRF protection).',
    })
    binding: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    return completeOAuth(this.deps, {
      provider,
      code,
      state,
      binding,
      meta: { ip: ctx.ip, userAgent: ctx.userAgent },
    });
  }
}
