import type { Viewer } from '../shared/context.js';
import type { AppError } from '../shared/errors.js';

/** Result of checking a presented `Authorization` value: a viewer, or why the token was refused. */
export interface AuthOutcome {
  readonly viewer: Viewer | null;
  readonly authError: AppError | null;
}
