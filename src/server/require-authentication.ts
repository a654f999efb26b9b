import { AppError } from '../shared/errors.js';
import { rootFieldNames, type OperationGuard } from '../shared/operation-guard.js';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * Guard: every root field needs a viewer except those in `publicFields` (and introspection,
 * which Apollo disables separately in production). A refused token's own error is reported.
 */
export function requireAuthentication(publicFields: Iterable<string>): OperationGuard {
  const allowed = new Set(publicFields);
  return ({ ctx, document, operation }) => {
    if (ctx.viewer) return;
    const needsAuth = rootFieldNames(document, operation).some((f) => !allowed.has(f) && !INTROSPECTION_FIELDS.has(f));
    if (needsAuth) throw ctx.authError ?? new AppError('UNAUTHENTICATED', 'Authentication required');
  };
}
