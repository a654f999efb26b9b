// Helpers for the progress benchmarks (status-tracker, subscriptions): a throwaway loopback redis-server.
import { startBenchRedis as startLoopbackRedis } from './lib.js';

/** Starts redis-server on a free loopback port without persistence; exits the process when it is missing. */
export async function startBenchRedis(): Promise<{ url: string; stop(): void }> {
  const redis = await startLoopbackRedis();
  if (!redis) {
    console.log('redis-server not found: skipped (apt-get install -y redis-server)');
    process.exit(0);
  }
  return redis;
}

/** Milliseconds since `t0` (performance.now()). */
export const since = (t0: number): number => performance.now() - t0;
