import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Config } from '../config/index.js';
import { createRequestContext, type RequestContext, type Viewer } from '../shared/context.js';
import type { AuthOutcome } from './auth-outcome.js';
import type { Logger } from '../shared/logger.js';
import type { OperationGuard } from '../shared/operation-guard.js';
import { createFormatError } from './format-error.js';
import { guardPlugin } from './guard-plugin.js';
import { bodyErrorAnswer, sendHttpError } from './http-error.js';
import { keepAnswersOnClose } from './keep-answers-on-close.js';
import { meterResolvers } from './metered-resolvers.js';
import { createOperationControl } from './operation-control.js';
import { operationLimitsPlugin } from './operation-limits-plugin.js';
import { securityHeaders } from './security-headers.js';
import { hideVariableSuggestionsPlugin } from './variable-errors.js';
import { attachWebSocket, MAX_QUERY_TOKENS } from './websocket.js';

export type { AuthOutcome } from './auth-outcome.js';

export interface CreateAppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly schema: GraphQLSchema;
  /** Checks run before execution, in order (authentication enforcement, complexity, rate limit). */
  readonly guards: readonly OperationGuard[];
  /** Verifies an `Authorization` header value (or undefined). Never throws for bad tokens: returns authError. */
  readonly authenticate: (
    authorization: string | undefined,
    meta?: { ip?: string | undefined },
  ) => Promise<AuthOutcome>;
  /** Extra HTTP routes mounted before /graphql (health). */
  readonly routes?: (app: express.Express) => void;
  /** Called when a WebSocket subscription starts and ends (subscription caps). */
  readonly onSubscriptionStart?: (ctx: RequestContext) => Promise<void> | void;
  readonly onSubscriptionEnd?: (ctx: RequestContext) => Promise<void> | void;
  /** Re-checks an open WebSocket's viewer before each operation (logout, deactivation, tier); refusal closes it with 4401. */
  readonly revalidate?: (viewer: Viewer) => Promise<AuthOutcome>;
}

export interface App {
  readonly httpServer: Server;
  /** Starts listening; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, closes WebSockets, drains HTTP, stops Apollo. Safe to call twice. */
  close(): Promise<void>;
}

/** Builds the HTTP + WebSocket API: Express 5, Apollo Server 5 at /graphql, graphql-ws on the same path. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = createServer(app);
  keepAnswersOnClose(httpServer);
  const formatError = createFormatError({ logger, exposeDetails: false });
  // Cancellation and the response cap, enforced at every field on both transports (metered-resolvers.ts).
  const schema = meterResolvers(options.schema);
  const hideSuggestions = config.isProduction;

  // 1 MiB per WebSocket message (ws defaults to 100 MiB; HTTP bodies are capped separately).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1 << 20 });
  const ws = attachWebSocket({
    wsServer,
    schema,
    logger,
    guards: options.guards,
    authenticate: options.authenticate,
    formatError,
    testMode: config.testMode.enabled,
    onSubscriptionStart: options.onSubscriptionStart,
    onSubscriptionEnd: options.onSubscriptionEnd,
    revalidate: options.revalidate,
    introspection: config.introspection,
    hideSuggestions,
    limits: config.execution,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.introspection,
    // "Did you mean …" names fields and types a client could not otherwise list (OWASP GraphQL cheat sheet).
    hideSchemaDetailsFromClientErrors: hideSuggestions,
    includeStacktraceInErrorResponses: false,
    // Our process shell owns SIGTERM/SIGINT; Apollo's own handler would call stop() a second time,
    // and that second stop() never resolves (shutdown hung until the forced exit).
    stopOnTerminationSignals: false,
    // Automatic persisted queries are not offered: a client sending one gets PERSISTED_QUERY_NOT_SUPPORTED
    // (BAD_USER_INPUT) instead of an internal error logged with a stack for a mismatched hash.
    persistedQueries: false,
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    formatError,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.dispose();
            },
          };
        },
      },
      config.isProduction
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
      // Before guardPlugin: it maps the one limit error this leaves onto the HTTP status.
      operationLimitsPlugin(formatError),
      guardPlugin(options.guards),
      ...(hideSuggestions ? [hideVariableSuggestionsPlugin(formatError)] : []),
    ],
  });
  await apollo.start();

  app.use(securityHeaders({ isProduction: config.isProduction }));
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      const line = {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      };
      if (req.path === '/monitoring/health') logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  });
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '6mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = String(res.locals.requestId);
        const control = createOperationControl({
          maxResponseBytes: config.execution.maxResponseBytes,
          timeoutMs: config.execution.queryTimeoutMs,
        });
        // 'close' before the response finished: the client hung up, so stop working for it.
        res.once('close', () => {
          if (!res.writableFinished && !control.signal.aborted) {
            logger.info({ requestId }, 'client closed the connection: operation cancelled');
            control.cancel();
          }
          control.dispose();
        });
        // Gone before this listener existed ('close' already emitted).
        if (res.closed || req.socket.destroyed) control.cancel();
        const outcome = await options.authenticate(req.get('authorization'), {
          ip: req.ip ?? req.socket.remoteAddress,
        });
        return createRequestContext({
          control,
          requestId,
          logger: logger.child({ requestId }),
          transport: 'http',
          ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          userAgent: req.get('user-agent') ?? null,
          viewer: outcome.viewer,
          authError: outcome.authError,
        });
      },
    }),
  );
  app.use((req, res) => sendHttpError(res, 'NOT_FOUND', `Cannot ${req.method} ${req.path}`));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const answer = bodyErrorAnswer(err);
    if (answer) return sendHttpError(res, 'BAD_USER_INPUT', answer.message, answer.status);
    logger.error({ err, requestId: res.locals.requestId }, 'unhandled HTTP error');
    sendHttpError(res, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  });

  let closing: Promise<void> | null = null;
  return {
    httpServer,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        await apollo.stop();
        if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      })();
      return closing;
    },
  };
}
