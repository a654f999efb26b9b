import type { AuthDeps } from './auth-deps.js';

/**
 * TEST_MODE: the id of the configured test user, created (FREE/PREMIUM/ADMIN per TEST_USER_TIER, no
 * password) on first use and cached for the process. A failed attempt is retried on the next call.
 */
export function createEnsureTestUser(deps: AuthDeps): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= deps.prisma.user
      .upsert({
        where: { email: deps.testMode.userEmail.toLowerCase() },
        create: { email: deps.testMode.userEmail.toLowerCase(), name: 'Test user', tier: deps.testMode.userTier },
        update: { tier: deps.testMode.userTier, active: true },
        select: { id: true },
      })
      .then((u) => u.id)
      .catch((err: unknown) => {
        pending = null;
        throw err;
      });
    return pending;
  };
}
