import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { RequestContext } from '../shared/context.js';
import { HTTP_STATUS, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS, isAppError, type ErrorCode } from '../shared/errors.js';
import type { OperationGuard } from '../shared/operation-guard.js';
import { toGraphQLError } from './to-graphql-error.js';

/**
 * Runs the operation guards after parse/validate and before execution, and maps the outcome onto HTTP:
 * status from the first error's code when no data was produced, `WWW-Authenticate` on 401,
 * `Retry-After` on 429, and any headers guards added (rate-limit headers). Any SERVICE_UNAVAILABLE error
 * (a dependency is down) makes the response 503 with `Retry-After`, even beside partial data: clients,
 * proxies and monitors must see an outage the same way whichever field hit it.
 */
export function guardPlugin(guards: readonly OperationGuard[]): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          for (const guard of guards) {
            try {
              await guard({
                ctx: rc.contextValue,
                schema: rc.schema,
                document: rc.document,
                operation: rc.operation,
                variables: rc.request.variables ?? {},
              });
            } catch (err) {
              throw isAppError(err) ? toGraphQLError(err) : err;
            }
          }
        },
        async willSendResponse(rc) {
          applyHttp(rc);
        },
      };
    },
  };
}

function applyHttp(rc: GraphQLRequestContextWillSendResponse<RequestContext>): void {
  const headers = rc.response.http.headers;
  for (const [k, v] of rc.contextValue.responseHeaders) headers.set(k, v);
  if (rc.response.body.kind !== 'single') return;
  const result = rc.response.body.singleResult;
  const unavailable = result.errors?.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
  if (unavailable) {
    rc.response.http.status = HTTP_STATUS.SERVICE_UNAVAILABLE;
    headers.set(
      'Retry-After',
      retryAfterHeader(unavailable.extensions?.retryAfter, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS),
    );
    return;
  }
  const first = result.errors?.[0];
  const code = first?.extensions?.code as ErrorCode | undefined;
  if (!first || !code || result.data != null) return;
  const status = HTTP_STATUS[code];
  if (!status || code === 'INTERNAL_SERVER_ERROR') return;
  rc.response.http.status = status;
  if (code === 'UNAUTHENTICATED' || code === 'REFRESH_TOKEN_REUSED') headers.set('WWW-Authenticate', 'Bearer');
  if (code === 'RATE_LIMITED') headers.set('Retry-After', retryAfterHeader(first.extensions?.retryAfter, 1));
}

/** Whole seconds, at least 1; `fallback` when `value` is not a usable number. */
function retryAfterHeader(value: unknown, fallback: number): string {
  const seconds = Number(value);
  return String(Number.isFinite(seconds) && seconds >= 1 ? Math.ceil(seconds) : fallback);
}
