import { AppError, badInput, isAppError } from '../../shared/errors.js';
import { isPrismaError } from '../../shared/database/database-errors.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import type { AuthPayload } from './auth-payload.type.js';
import { issueTokens } from './issue-tokens.js';
import { normalizeEmail } from './normalize-email.js';
import { securityLog } from './security-log.js';

export interface RegisterUserOptions {
  readonly input: { readonly email: string; readonly password: string; readonly name?: string | null };
  readonly meta: ClientMeta;
}

/**
 * Creates a FREE user with an argon2id hash of the NFKC form of the password and starts a session.
 *
 * The answer says when an email is already registered: `register` returns a signed-in session, so an
 * answer that looked the same for a taken email would have to sign the caller in to someone else's
 * account, and Pharos sends no mail to confirm an address out of band. Instead every attempt takes a
 * point from the client network's login-failure counter before the lookup (given back when an account is
 * created), so probing for emails is bounded like password spraying: at most 5 × LOGIN_MAX_FAILURES taken
 * emails per network per window, after which every `register` from it answers RATE_LIMITED alike.
 * @throws AppError BAD_USER_INPUT (`extensions.field`; for the password also `extensions.reason`) for a bad
 * email, password or name, or an email already registered; RATE_LIMITED (with retryAfter).
 */
export async function registerUser(deps: AuthDeps, options: RegisterUserOptions): Promise<AuthPayload> {
  const { ip } = options.meta;
  const email = normalizeEmail(options.input.email);
  const checked = deps.passwordPolicy.check(options.input.password, { email });
  if (!checked.ok)
    throw new AppError('BAD_USER_INPUT', checked.message, {
      extensions: { field: 'password', reason: checked.reason },
    });
  const name = options.input.name?.trim() || null;
  if (name && name.length > 200) throw badInput('name', 'Name must be at most 200 characters');
  try {
    await deps.loginThrottle.consumeNetworkAttempt(ip);
  } catch (err) {
    if (isAppError(err)) securityLog(deps.logger, 'register_rate_limited', { ip, reason: 'too_many_attempts' });
    throw err;
  }
  const taken = () => {
    securityLog(deps.logger, 'register_failed', { ip, reason: 'email_taken' });
    return badInput('email', 'This email is already registered');
  };
  if (await deps.prisma.user.findUnique({ where: { email }, select: { id: true } })) throw taken();
  const passwordHash = await deps.hasher.hash(checked.password);
  let user;
  try {
    user = await deps.prisma.user.create({
      data: { email, name, passwordHash, tier: 'FREE', lastLoginAt: new Date(deps.now()) },
    });
  } catch (err) {
    if (isPrismaError(err, 'P2002')) throw taken();
    throw err;
  }
  await deps.loginThrottle.rewardNetworkAttempt(ip);
  securityLog(deps.logger, 'register', { userId: user.id, ip });
  return issueTokens(deps, { user, meta: options.meta });
}

/** The error every failed login gets, whatever the reason (no account enumeration). */
export const invalidCredentials = (): AppError => new AppError('UNAUTHENTICATED', 'Invalid email or password');
