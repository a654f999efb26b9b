import { AppError, badInput } from '../../shared/errors.js';
import { isPrismaError } from '../../shared/database/database-errors.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/security/index.js';
import type { AuthDeps, ClientMeta } from './auth-deps.js';
import type { AuthPayload } from './auth-payload.type.js';
import { issueTokens } from './issue-tokens.js';
import { normalizeEmail } from './normalize-email.js';
import { securityLog } from './security-log.js';

export interface RegisterUserOptions {
  readonly input: { readonly email: string; readonly password: string; readonly name?: string | null };
  readonly meta: ClientMeta;
}

/** Password rules: 8..1024 characters (the upper bound caps hashing cost). */
export function assertPasswordLength(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw badInput('password', `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
}

/**
 * Creates a FREE user with an argon2id password hash and starts a session.
 * @throws AppError BAD_USER_INPUT for a bad email, password or name, or an email already registered.
 */
export async function registerUser(deps: AuthDeps, options: RegisterUserOptions): Promise<AuthPayload> {
  const email = normalizeEmail(options.input.email);
  assertPasswordLength(options.input.password);
  const name = options.input.name?.trim() || null;
  if (name && name.length > 200) throw badInput('name', 'Name must be at most 200 characters');
  const taken = () => badInput('email', 'This email is already registered');
  if (await deps.prisma.user.findUnique({ where: { email }, select: { id: true } })) throw taken();
  const passwordHash = await deps.hasher.hash(options.input.password);
  let user;
  try {
    user = await deps.prisma.user.create({
      data: { email, name, passwordHash, tier: 'FREE', lastLoginAt: new Date(deps.now()) },
    });
  } catch (err) {
    if (isPrismaError(err, 'P2002')) throw taken();
    throw err;
  }
  securityLog(deps.logger, 'register', { userId: user.id, ip: options.meta.ip });
  return issueTokens(deps, { user, meta: options.meta });
}

/** The error every failed login gets, whatever the reason (no account enumeration). */
export const invalidCredentials = (): AppError => new AppError('UNAUTHENTICATED', 'Invalid email or password');
