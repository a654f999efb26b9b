import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { createRequestContext, type RequestContext, type Viewer } from '../shared/context.js';
import { isAppError, type AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { OperationGuard } from '../shared/operation-guard.js';
import type { AuthOutcome } from './auth-outcome.js';
import { WS_CLOSE_TOO_MANY_CONNECTIONS, createConnectionsPerUser } from './connections-per-user.js';
import { createOperationControl, type OperationHandle } from './operation-control.js';
import { toGraphQLError } from './to-graphql-error.js';
import { variableErrors } from './variable-errors.js';

/** Close code for a missing, invalid or expired token (graphql-ws's own 4401, mirrors HTTP 401). */
export const WS_CLOSE_UNAUTHORIZED = CloseCode.Unauthorized;
/** Close code when the token cannot be checked right now (database down; mirrors HTTP 503). */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;
/** Most lexical tokens a GraphQL document may have (HTTP and WebSocket alike); larger ones are BAD_USER_INPUT. */
export const MAX_QUERY_TOKENS = 20_000;

interface ConnectionState {
  viewer: Viewer | null;
  authError: AppError | null;
  expiryTimer?: NodeJS.Timeout;
  operations: Map<string, RequestContext>;
  /** Cancellation and metering of every operation in flight, by operation id. */
  controls: Map<string, OperationHandle>;
  /** The user whose connection slot this socket holds. */
  userId: string;
}

export interface AttachWebSocketOptions {
  readonly wsServer: WebSocketServer;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly guards: readonly OperationGuard[];
  readonly authenticate: (
    authorization: string | undefined,
    meta?: { ip?: string | undefined },
  ) => Promise<AuthOutcome>;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** In TEST_MODE a socket without a token is accepted (authenticate() supplies the test viewer). */
  readonly testMode: boolean;
  readonly onSubscriptionStart?: ((ctx: RequestContext) => Promise<void> | void) | undefined;
  readonly onSubscriptionEnd?: ((ctx: RequestContext) => Promise<void> | void) | undefined;
  /**
   * Re-checks the connection's viewer before every operation (logout deny-list, deactivation, current tier).
   * A refusal (`viewer: null`) closes the socket with 4401; a returned viewer replaces the connection's one.
   */
  readonly revalidate?: ((viewer: Viewer) => Promise<AuthOutcome>) | undefined;
  /** Allow `__schema`/`__type` (config.introspection); refused at validation otherwise, as on HTTP. */
  readonly introspection: boolean;
  /** Leave "Did you mean …" out of validation and variable errors (production), as on HTTP. */
  readonly hideSuggestions: boolean;
  /** MAX_RESPONSE_BYTES, QUERY_TIMEOUT_MS and WS_MAX_CONNECTIONS_PER_USER (config.execution). */
  readonly limits: {
    readonly maxResponseBytes: number;
    readonly queryTimeoutMs: number;
    readonly maxWebSocketsPerUser: number;
  };
}

/**
 * graphql-ws on the shared HTTP server. The token comes in `connectionParams.authorization`;
 * a missing or bad one closes the socket with 4401, and the socket is closed with 4401 when the token expires.
 * Every operation passes the same guards as HTTP, after `revalidate` re-checked the connection's viewer
 * (so logout and deactivation reach sockets that are already open).
 */
export function attachWebSocket(options: AttachWebSocketOptions): { dispose(): Promise<void> } {
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object): ConnectionState => {
    const s = states.get(extra);
    if (!s) throw new Error('connection state missing');
    return s;
  };
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => options.formatError(e.toJSON(), e));
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const connections = createConnectionsPerUser(options.limits.maxWebSocketsPerUser);

  const server = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof raw === 'string' ? raw : undefined;
        const outcome = await options.authenticate(authorization, { ip: ctx.extra.request.socket.remoteAddress });
        if (!outcome.viewer && outcome.authError?.code === 'SERVICE_UNAVAILABLE') {
          // Not the token's fault: 1013 "Try Again Later" (RFC 6455 registry) is retried by graphql-ws clients.
          ctx.extra.socket.close(WS_CLOSE_TRY_AGAIN_LATER, 'Service unavailable');
          return false;
        }
        if (!outcome.viewer) {
          options.logger.info(
            { reason: outcome.authError?.code ?? 'missing', ip: ctx.extra.request.socket.remoteAddress },
            'websocket authentication failed',
          );
          ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, outcome.authError ? 'Unauthorized' : 'Authentication required');
          return false;
        }
        const userId = outcome.viewer.userId;
        if (!connections.tryAcquire(userId)) {
          options.logger.warn({ userId, max: options.limits.maxWebSocketsPerUser }, 'websocket connection cap reached');
          ctx.extra.socket.close(WS_CLOSE_TOO_MANY_CONNECTIONS, 'Too many connections');
          return false;
        }
        const state: ConnectionState = {
          viewer: outcome.viewer,
          authError: null,
          operations: new Map(),
          controls: new Map(),
          userId,
        };
        // graphql-ws calls no hook when a client completes a query or mutation still running: its `complete`
        // handler only return()s a subscription's iterator, and onComplete fires once execution has ended
        // (graphql-ws 6.4 server.ts). So read the client's `complete` frames here and abort the operation.
        ctx.extra.socket.on('message', (data: Buffer) => {
          const id = completedOperationId(data);
          if (id !== null) state.controls.get(id)?.cancel();
        });
        if (outcome.viewer.expiresAt) {
          const ms = outcome.viewer.expiresAt * 1000 - Date.now();
          state.expiryTimer = setTimeout(
            () => ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, 'Token expired'),
            Math.max(0, Math.min(ms, 2 ** 31 - 1)),
          );
          state.expiryTimer.unref();
        }
        states.set(ctx.extra, state);
        return true;
      },
      onClose: async (ctx) => {
        const state = states.get(ctx.extra);
        if (!state) return;
        if (state.expiryTimer) clearTimeout(state.expiryTimer);
        connections.release(state.userId);
        for (const control of state.controls.values()) {
          control.cancel();
          control.dispose();
        }
        state.controls.clear();
        // graphql-ws skips onComplete when execution threw after onSubscribe: release what is left here.
        const left = [...state.operations.values()];
        state.operations.clear();
        for (const opCtx of left) await options.onSubscriptionEnd?.(opCtx);
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        // Before the first await: a `complete` for this id that arrives meanwhile must find it (and cancel it).
        // The deadline covers revalidation and guards too; a subscription's is cleared once it is known to be one.
        state.controls.get(id)?.dispose();
        const control = createOperationControl({
          maxResponseBytes: options.limits.maxResponseBytes,
          timeoutMs: options.limits.queryTimeoutMs,
        });
        state.controls.set(id, control);
        const prepared = await (async () => {
          if (options.revalidate && state.viewer) {
            const outcome = await options.revalidate(state.viewer);
            if (!outcome.viewer && outcome.authError?.code === 'SERVICE_UNAVAILABLE')
              return [toGraphQLError(outcome.authError)];
            if (!outcome.viewer) {
              options.logger.info(
                { reason: outcome.authError?.code ?? 'revoked', ip: ctx.extra.request.socket.remoteAddress },
                'websocket session no longer valid',
              );
              ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, 'Unauthorized');
              return [new GraphQLError('Session no longer valid', { extensions: { code: 'UNAUTHENTICATED' } })];
            }
            state.viewer = outcome.viewer;
          }
          let document: DocumentNode;
          try {
            document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
          } catch (err) {
            return [
              err instanceof GraphQLError
                ? withCode(err, 'BAD_USER_INPUT')
                : new GraphQLError('Invalid query', { extensions: { code: 'BAD_USER_INPUT' } }),
            ];
          }
          const validationErrors = validate(options.schema, document, rules, {
            hideSuggestions: options.hideSuggestions,
          });
          if (validationErrors.length > 0) return validationErrors.map((e) => withCode(e, 'BAD_USER_INPUT'));
          const operation = getOperationAST(document, payload.operationName ?? undefined);
          if (!operation) return [new GraphQLError('Operation not found', { extensions: { code: 'BAD_USER_INPUT' } })];
          const requestId = randomUUID();
          if (operation.operation === 'subscription') control.dispose();
          const contextValue = createRequestContext({
            control,
            requestId,
            logger: options.logger.child({ requestId }),
            transport: 'ws',
            ip: ctx.extra.request.socket.remoteAddress ?? 'unknown',
            userAgent: ctx.extra.request.headers['user-agent'] ?? null,
            viewer: state.viewer,
            authError: state.authError,
          });
          const variables = payload.variables ?? {};
          try {
            for (const guard of options.guards)
              await guard({ ctx: contextValue, schema: options.schema, document, operation, variables });
            // After the guards, as on HTTP (where Apollo finds bad variables only when it executes): charged alike.
            const badVariables = variableErrors({
              schema: options.schema,
              operation,
              variables,
              hideSuggestions: options.hideSuggestions,
            });
            if (badVariables.length > 0) return badVariables;
            if (operation.operation === 'subscription') {
              await options.onSubscriptionStart?.(contextValue);
              state.operations.set(id, contextValue);
            }
          } catch (err) {
            if (!isAppError(err)) options.logger.error({ err }, 'websocket guard failed');
            return [toGraphQLError(err)];
          }
          return {
            schema: options.schema,
            document,
            operationName: payload.operationName ?? null,
            variableValues: variables,
            contextValue,
            hideSuggestions: options.hideSuggestions,
          };
        })();
        // Refused before execution: graphql-ws calls no onComplete for it.
        if (Array.isArray(prepared)) {
          if (state.controls.get(id) === control) state.controls.delete(id);
          control.dispose();
        }
        return prepared;
      },
      onComplete: async (ctx, id) => {
        const state = states.get(ctx.extra);
        const control = state?.controls.get(id);
        if (control) {
          control.dispose();
          state?.controls.delete(id);
          const reason: unknown = control.signal.reason;
          if (isAppError(reason))
            options.logger.info(
              { operationId: id, code: reason.code, limit: reason.extensions.limit ?? 'CANCELLED' },
              'operation stopped',
            );
        }
        const opCtx = state?.operations.get(id);
        if (state && opCtx) {
          state.operations.delete(id);
          await options.onSubscriptionEnd?.(opCtx);
        }
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (ctx, id, _payload, _args, result) => {
        const control = states.get(ctx.extra)?.controls.get(id);
        // Stopped by a limit (deadline, response cap): that one error, not partial data and an error per field.
        if (control?.signal.aborted && isAppError(control.signal.reason))
          return { data: null, errors: format([toGraphQLError(control.signal.reason)]) };
        control?.resetMeter();
        if (!result.errors?.length) return undefined;
        return { ...result, errors: format(result.errors) };
      },
    },
    options.wsServer,
  );
  return {
    async dispose() {
      for (const client of options.wsServer.clients) client.close(1001, 'Server shutting down');
      await server.dispose();
    },
  };
}

function withCode(err: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(err.message, {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    path: err.path,
    extensions: { ...err.extensions, code },
  });
}

/** The id of a graphql-ws `complete` message (tiny: `{"id":…,"type":"complete"}`), else null. */
function completedOperationId(data: Buffer): string | null {
  if (data.length > 256) return null;
  try {
    const message = JSON.parse(data.toString('utf8')) as { type?: unknown; id?: unknown };
    return message.type === 'complete' && typeof message.id === 'string' ? message.id : null;
  } catch {
    return null;
  }
}
