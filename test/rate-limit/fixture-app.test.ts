/**
 * The rate-limit guards on a real Apollo + graphql-ws server with a fixture schema (a list field, a
 * public mutation and a subscription) and a stub authenticate ("Bearer <userId>:<tier>"), so rules that
 * need resolvers the product does not have yet (a subscription, a countable resolver) are tested too.
 */
import type { ResolverClass } from '../../src/shared/app-module.js';
import { createClient, type Client } from 'graphql-ws';
import { Arg, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig, type Tier } from '../../src/config/index.js';
import { buildAppSchema } from '../../src/server/build-schema.js';
import { createApp, type App } from '../../src/server/create-app.js';
import { requireAuthentication } from '../../src/server/require-authentication.js';
import { AppError } from '../../src/shared/errors.js';
import { createLogger } from '../../src/shared/logger.js';
import { createRateLimiting, type RateLimiting } from '../../src/shared/rate-limit/index.js';
import { RateLimitStatusResolver } from '../../src/modules/usage/index.js';

const calls = { items: 0, ping: 0 };

@Resolver()
class FixtureResolver {
  @Query(() => [Int], { description: 'A list scaled by `first`.' })
  items(@Arg('first', () => Int, { defaultValue: 10 }) first: number): number[] {
    calls.items++;
    return Array.from({ length: Math.min(first, 3) }, (_, i) => i);
  }

  @Mutation(() => Boolean, { description: 'Public: anyone may call it.' })
  ping(): boolean {
    calls.ping++;
    return true;
  }

  @Subscription(() => Int, {
    subscribe: async function* ticks() {
      for (let i = 0; ; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  })
  tick(@Root() n: number): number {
    return n;
  }
}

async function startFixture(
  env: Record<string, string>,
): Promise<{ app: App; url: string; wsUrl: string; rateLimiting: RateLimiting }> {
  const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env });
  const logger = createLogger({ level: 'silent' });
  const rateLimiting = createRateLimiting({
    config: config.rateLimit,
    logger,
    redis: null,
    keyPrefix: 'fixture:',
    publicOperations: ['ping'],
  });
  const schema = await buildAppSchema([
    {
      resolvers: new Map<ResolverClass, object>([
        [FixtureResolver, new FixtureResolver()],
        [RateLimitStatusResolver, new RateLimitStatusResolver((ctx) => rateLimiting.status(ctx))],
      ]),
    },
  ]);
  const app = await createApp({
    config,
    logger,
    schema,
    guards: [requireAuthentication(['ping']), ...rateLimiting.guards],
    authenticate: async (authorization) => {
      if (!authorization) return { viewer: null, authError: null };
      const [userId, tier] = authorization.replace(/^Bearer /, '').split(':');
      if (!userId || !tier) return { viewer: null, authError: new AppError('UNAUTHENTICATED', 'Invalid access token') };
      return { viewer: { userId, tier: tier as Tier, tokenId: null, expiresAt: null }, authError: null };
    },
    onSubscriptionStart: (ctx) => rateLimiting.subscriptionCaps.acquire(ctx),
    onSubscriptionEnd: (ctx) => rateLimiting.subscriptionCaps.release(ctx),
  });
  const port = await app.listen(0, '127.0.0.1');
  return { app, rateLimiting, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ extensions?: Record<string, unknown> }>;
    },
  };
}

const apps: Array<{ app: App; rateLimiting: RateLimiting }> = [];
afterAll(async () => {
  for (const { app, rateLimiting } of apps) {
    await app.close();
    await rateLimiting.close();
  }
});

describe('cost and complexity', () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  beforeAll(async () => {
    fx = await startFixture({ MAX_QUERY_COST: '50', RATE_LIMIT_FREE_PER_MINUTE: '40' });
    apps.push(fx);
  });

  it('charges list fields by page size and reports the cost', async () => {
    const res = await post(fx.url, '{ items(first: 250) rateLimitStatus { cost windows { used } } }', {
      authorization: 'Bearer cost-user:FREE',
    });
    expect(res.status).toBe(200);
    // items(first: 250) returns 250 nodes → 3 points, more than its two root fields (2): max(1, 3, 2).
    expect(res.headers.get('x-ratelimit-cost')).toBe('3');
    expect(res.body.data?.rateLimitStatus).toEqual({ cost: 3, windows: [{ used: 3 }, { used: 3 }, { used: 3 }] });
  });

  it('rejects an operation over MAX_QUERY_COST before any resolver runs, and charges nothing', async () => {
    const before = calls.items;
    const res = await post(fx.url, '{ items(first: 5100) }', { authorization: 'Bearer big:FREE' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 51, maxCost: 50 });
    expect(calls.items).toBe(before);
    const status = await post(fx.url, '{ rateLimitStatus { windows { used } } }', { authorization: 'Bearer big:FREE' });
    expect(status.body.data?.rateLimitStatus).toEqual({ windows: [{ used: 1 }, { used: 1 }, { used: 1 }] });
  });

  it('rejects an operation that can never fit the per-minute budget with QUERY_TOO_COMPLEX', async () => {
    const res = await post(fx.url, '{ items(first: 4500) }', { authorization: 'Bearer whale:FREE' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      cost: 45,
      limit: 40,
      window: 'MINUTE',
    });
  });
});

describe('anonymous public operations', () => {
  it('are keyed by client IP with the anonymous budget, honouring TRUST_PROXY', async () => {
    const fx = await startFixture({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10', TRUST_PROXY: 'loopback' });
    apps.push(fx);
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const before = calls.ping;
    expect((await post(fx.url, 'mutation { ping }', from('203.0.113.7'))).headers.get('x-ratelimit-remaining')).toBe(
      '5',
    );
    expect((await post(fx.url, 'mutation { ping }', from('203.0.113.7'))).status).toBe(200);
    const refused = await post(fx.url, 'mutation { ping }', from('203.0.113.7'));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 10, window: 'MINUTE' });
    expect(calls.ping).toBe(before + 2);
    expect((await post(fx.url, 'mutation { ping }', from('198.51.100.1'))).status).toBe(200);
  });

  it('charge the IP budget even when a token is presented, and the user budget too', async () => {
    // Chaining tokens (register → token → register with it) must not buy a fresh budget per account.
    const fx = await startFixture({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10', TRUST_PROXY: 'loopback' });
    apps.push(fx);
    const as = (user: string) => ({ 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${user}:FREE` });
    expect((await post(fx.url, 'mutation { ping }', as('chain-1'))).status).toBe(200);
    expect((await post(fx.url, 'mutation { ping }', as('chain-2'))).status).toBe(200);
    const refused = await post(fx.url, 'mutation { ping }', as('chain-3'));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 10, window: 'MINUTE' });
    // The user's own budget was charged as well (5 for ping + 1 for this query).
    const status = await post(fx.url, '{ rateLimitStatus { windows { used } } }', as('chain-1'));
    expect(status.body.data?.rateLimitStatus).toEqual({ windows: [{ used: 6 }, { used: 6 }, { used: 6 }] });
  });
});

describe('subscriptions', () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  const clients: Client[] = [];
  beforeAll(async () => {
    fx = await startFixture({ SUBSCRIPTIONS_MAX_FREE: '2', RATE_LIMIT_FREE_PER_MINUTE: '100' });
    apps.push(fx);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
  });

  const connect = (token: string): Client => {
    const client = createClient({
      url: fx.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };
  /** Subscribes and resolves once the first tick arrives (or rejects with the server's errors). */
  const subscribe = (client: Client): Promise<() => void> =>
    new Promise((resolve, reject) => {
      let unsubscribe: () => void = () => undefined;
      unsubscribe = client.subscribe(
        { query: 'subscription { tick }' },
        {
          next: () => resolve(unsubscribe),
          error: (err) =>
            reject(err instanceof Error ? err : Object.assign(new Error('subscription error'), { errors: err })),
          complete: () => undefined,
        },
      );
    });

  it('caps concurrent subscriptions per user, frees a slot on complete and on socket drop, and charges each subscribe', async () => {
    const one = connect('subscriber:FREE');
    const first = await subscribe(one);
    await subscribe(one);
    const refusal = await subscribe(connect('subscriber:FREE')).then(
      () => null,
      (err: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => err.errors?.[0]?.extensions,
    );
    expect(refusal).toEqual({ code: 'RATE_LIMITED', limit: 2, reason: 'CONCURRENT_SUBSCRIPTIONS' });
    await subscribe(connect('someone-else:FREE'));

    first();
    const third = connect('subscriber:FREE');
    await expect
      .poll(
        () =>
          subscribe(third).then(
            () => true,
            () => false,
          ),
        { timeout: 5_000 },
      )
      .toBe(true);

    await one.dispose(); // drops the socket with one live subscription
    await expect
      .poll(
        () =>
          subscribe(third).then(
            () => true,
            () => false,
          ),
        { timeout: 5_000 },
      )
      .toBe(true);
    await expect(subscribe(third)).rejects.toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });

    const status = await post(fx.url, '{ rateLimitStatus { windows { used } } }', {
      authorization: 'Bearer subscriber:FREE',
    });
    const used = (status.body.data?.rateLimitStatus as { windows: Array<{ used: number }> }).windows[0]!.used;
    expect(used).toBeGreaterThanOrEqual(6); // 5+ subscribes (1 point each) + this query
  });
});
