import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireViewer, type RequestContext } from '../../shared/context.js';
import type { AuthDeps } from './auth-deps.js';
import { AuthPayload } from './auth-payload.type.js';
import { getMe } from './get-me.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { refreshSession } from './refresh-session.js';
import { RegisterInput } from './register.input.js';
import { registerUser } from './register-user.js';
import { User } from './user.type.js';

const meta = (ctx: RequestContext) => ({ ip: ctx.ip, userAgent: ctx.userAgent });

/** Password accounts and sessions. `register`, `login` and `refresh` are public; `me` and `logout` need a token. */
@Resolver()
export class AuthResolver {
  constructor(private readonly deps: AuthDeps) {}

  @Query(() => User, { description: 'The caller.' })
  me(@Ctx() ctx: RequestContext): Promise<User> {
    return getMe(this.deps, { viewer: requireViewer(ctx) });
  }

  @Mutation(() => AuthPayload, { description: 'Creates a FREE account and signs in. Public.' })
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return registerUser(this.deps, { input, meta: meta(ctx) });
  }

  @Mutation(() => AuthPayload, { description: 'Signs in with email and password. Public; failures are rate-limited.' })
  login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    return login(this.deps, { email, password, meta: meta(ctx) });
  }

  @Mutation(() => AuthPayload, {
    description:
      'Exchanges a refresh token for a new pair (rotation). Reusing a retired token revokes its family. Public.',
  })
  refresh(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return refreshSession(this.deps, { refreshToken, meta: meta(ctx) });
  }

  @Mutation(() => Boolean, {
    description: "Revokes the refresh token's session (or all sessions) and the current access token.",
  })
  logout(
    @Arg('refreshToken', () => String, { nullable: true }) refreshToken: string | null | undefined,
    @Arg('allSessions', () => Boolean, { defaultValue: false }) allSessions: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    return logout(this.deps, { viewer: requireViewer(ctx), refreshToken, allSessions, meta: meta(ctx) });
  }
}
