import { AppError } from '../../shared/errors.js';
import { isPrismaError } from '../../shared/database/database-errors.js';
import type { OAuthProfile } from '../../shared/oauth2/index.js';
import type { AuthDeps } from './auth-deps.js';

type UserRow = NonNullable<Awaited<ReturnType<AuthDeps['prisma']['user']['findUnique']>>>;

export interface LinkResult {
  readonly user: UserRow;
  /** 'existing': known provider account; 'linked': attached to an OAuth-only user by verified email; 'created': new FREE user. */
  readonly outcome: 'existing' | 'linked' | 'created';
}

/**
 * Finds the user of a provider account, or links it to the user with the same email, or creates a FREE
 * user. Unverified or missing emails are refused (otherwise anyone could claim an account by typing its
 * address at a lax provider). Linking happens only to a user WITHOUT a password (OAuth-only): `register`
 * does not verify emails, so a password account with that email may have been pre-registered by an
 * attacker waiting for the real owner to sign in with a provider (pre-account takeover). Such a user is
 * refused with FORBIDDEN; they sign in with the password instead.
 * @throws AppError OAUTH_PROVIDER_ERROR when the provider gave no verified email for a new account;
 *   FORBIDDEN when the email belongs to a user with a password.
 */
export async function linkOAuthUser(
  deps: AuthDeps,
  options: { provider: string; profile: OAuthProfile },
  attempt = 0,
): Promise<LinkResult> {
  const { provider, profile } = options;
  const account = await deps.prisma.oAuthAccount.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId: profile.accountId } },
    include: { user: true },
  });
  if (account) return { user: account.user, outcome: 'existing' };
  if (!profile.email || !profile.emailVerified) {
    throw new AppError(
      'OAUTH_PROVIDER_ERROR',
      'The sign-in provider did not confirm an email address for this account',
      { internal: 'no verified email' },
    );
  }
  const email = profile.email;
  try {
    const existing = await deps.prisma.user.findUnique({ where: { email } });
    if (existing) {
      if (existing.passwordHash)
        throw new AppError(
          'FORBIDDEN',
          'An account with this email exists; sign in with your password to link this provider',
          { internal: 'email belongs to a password account' },
        );
      await deps.prisma.oAuthAccount.create({
        data: { provider, providerAccountId: profile.accountId, userId: existing.id, email },
      });
      return { user: existing, outcome: 'linked' };
    }
    const user = await deps.prisma.user.create({
      data: {
        email,
        name: profile.name?.slice(0, 200) ?? null,
        tier: 'FREE',
        oauthAccounts: { create: { provider, providerAccountId: profile.accountId, email } },
      },
    });
    return { user, outcome: 'created' };
  } catch (err) {
    // A concurrent callback for the same account or email won the race: look again once.
    if (isPrismaError(err, 'P2002') && attempt === 0) return linkOAuthUser(deps, options, 1);
    throw err;
  }
}
