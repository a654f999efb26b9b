import { isAppError } from '../../shared/errors.js';
import { normalizePassword, PASSWORD_MAX_LENGTH } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import type { AuthPayload } from './auth-payload.type.js';
import { issueTokens } from './issue-tokens.js';
import { normalizeEmail } from './normalize-email.js';
import { invalidCredentials } from './register-user.js';
import { securityLog } from './security-log.js';

export interface LoginOptions {
  readonly email: string;
  readonly password: string;
  readonly meta: ClientMeta;
}

/**
 * Password login. An unknown email, a user without a password and a deactivated user all verify a
 * password hash (a dummy one when there is no user), so each failure costs the same time; all answer
 * the same UNAUTHENTICATED message and count against the brute-force counters (email + client network,
 * client network, account backoff). Each attempt takes its points before the password is verified
 * (parallel attempts cannot overrun the limit); a success resets the email+network counter and the backoff.
 * @throws AppError UNAUTHENTICATED, RATE_LIMITED (with retryAfter) or BAD_USER_INPUT.
 */
export async function login(deps: AuthDeps, options: LoginOptions): Promise<AuthPayload> {
  const { ip } = options.meta;
  const email = normalizeEmail(options.email);
  // A password with an unpaired surrogate cannot be one that `register` accepted (see normalizePassword).
  const password = options.password.length > PASSWORD_MAX_LENGTH * 2 ? null : normalizePassword(options.password);
  if (password === null) throw invalidCredentials();
  try {
    await deps.loginThrottle.consumeAttempt(email, ip);
  } catch (err) {
    if (isAppError(err)) securityLog(deps.logger, 'login_rate_limited', { ip, reason: 'too_many_failures' });
    throw err;
  }
  const user = await deps.prisma.user.findUnique({ where: { email } });
  let passwordOk = await deps.hasher.verify(user?.passwordHash ?? null, password);
  // Hashes made before passwords were NFKC-normalised hold the raw form. Whether this second check runs
  // depends only on the input, never on the account, so timing still says nothing about the email.
  if (!passwordOk && password !== options.password)
    passwordOk = await deps.hasher.verify(user?.passwordHash ?? null, options.password);
  if (!user || !passwordOk || !user.active) {
    const reason = !user
      ? 'unknown_email'
      : !user.passwordHash
        ? 'no_password'
        : !passwordOk
          ? 'bad_password'
          : 'inactive';
    securityLog(deps.logger, 'login_failed', { reason, ip, userId: user?.id ?? null });
    throw invalidCredentials();
  }
  await deps.loginThrottle.recordSuccess(email, ip);
  const updated = await deps.prisma.user.update({
    where: { id: user.id },
    data: { lastLoginAt: new Date(deps.now()) },
  });
  securityLog(deps.logger, 'login', { userId: user.id, ip });
  return issueTokens(deps, { user: updated, meta: options.meta });
}
