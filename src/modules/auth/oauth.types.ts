import { Field, ObjectType, registerEnumType } from 'type-graphql';

/**
 * Sign-in providers. GOOGLE and GITHUB are the configured providers of those names; OIDC is the one
 * generic OpenID Connect provider configured under any other name (Keycloak, Auth0…). The enum is fixed
 * so that schema.graphql does not depend on configuration; a value that is not configured answers
 * BAD_USER_INPUT.
 */
export const OAuthProviderEnum = { GOOGLE: 'GOOGLE', GITHUB: 'GITHUB', OIDC: 'OIDC' } as const;
export type OAuthProviderName = keyof typeof OAuthProviderEnum;

registerEnumType(OAuthProviderEnum, {
  name: 'OAuthProvider',
  description: 'GOOGLE, GITHUB, or OIDC (the configured generic OpenID Connect provider).',
});

@ObjectType({
  description: 'Where to send the user to sign in, the state the callback must bring back, and the binding secret.',
})
export class OAuthAuthorization {
  @Field(() => String, { description: "The provider's authorization URL (PKCE S256, state, and for OIDC a nonce)." })
  url!: string;

  @Field(() => String, {
    description: 'Single use, valid 10 minutes, bound to the provider, the redirect URI and the binding.',
  })
  state!: string;

  @Field(() => String, {
    description:
      'One-time secret binding this flow to the client that started it: keep it (e.g. in sessionStorage, never in a URL) and pass it to oauthCallback with the state.',
  })
  binding!: string;
}
