/**
 * A small, bounded load: a few concurrent loops sending a mix of createResource and `me` queries,
 * every answer judged (ok / 503 SERVICE_UNAVAILABLE / bad) and timestamped, so a scenario can say what
 * happened during an outage and when service came back.
 */
import {
  createResource,
  describeAnswer,
  gql,
  judge,
  ME,
  uniqueText,
  type Answer,
  type Endpoint,
  type Verdict,
} from './client.js';

export interface Sample {
  /** When the answer arrived. */
  readonly at: number;
  /** How long it took, ms. */
  readonly ms: number;
  readonly op: 'createResource' | 'me';
  readonly verdict: Verdict;
  readonly answer: string;
  /** Id of the created resource when createResource succeeded. */
  readonly resourceId?: string;
}

export interface Load {
  readonly samples: Sample[];
  /** Ids of every resource the API acknowledged (these must all be processed in the end). */
  readonly created: string[];
  /** Stops the loops and waits for the requests in flight. */
  stop(): Promise<void>;
}

export interface LoadOptions {
  /** APIs to spread requests over (round robin). */
  readonly apis: readonly Endpoint[];
  readonly token: string;
  /** Concurrent loops (default 2). */
  readonly concurrency?: number;
  /** Pause between two requests of one loop, to keep the load small (default 100 ms). */
  readonly pauseMs?: number;
  /** Every n-th request is a createResource (default 3). */
  readonly createEvery?: number;
  /** Requires Retry-After on 503 answers. */
  readonly requireRetryAfter?: boolean;
  /** Per-request timeout (default 15 s). */
  readonly timeoutMs?: number;
}

/** Starts the load; call `stop()` to end it. Never throws: every outcome is a sample. */
export function startLoad(options: LoadOptions): Load {
  const samples: Sample[] = [];
  const created: string[] = [];
  const concurrency = options.concurrency ?? 2;
  const pauseMs = options.pauseMs ?? 100;
  const createEvery = options.createEvery ?? 3;
  let running = true;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      const i = n++;
      const api = options.apis[i % options.apis.length]!;
      const op: Sample['op'] = i % createEvery === 0 ? 'createResource' : 'me';
      const sent = Date.now();
      const answer: Answer<unknown> =
        op === 'createResource'
          ? await createResource(api, options.token, { content: uniqueText(`load-${i}`) })
          : await gql(api, ME, {}, options.token, options.timeoutMs);
      const verdict = judge(answer, { requireRetryAfter: options.requireRetryAfter });
      const resourceId =
        op === 'createResource'
          ? (answer.data as { createResource?: { id: string } } | null)?.createResource?.id
          : undefined;
      if (resourceId) created.push(resourceId);
      samples.push({ at: Date.now(), ms: Date.now() - sent, op, verdict, answer: describeAnswer(answer), resourceId });
      if (running) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = Array.from({ length: concurrency }, () => loop());
  return {
    samples,
    created,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Figures of a load run for the summary line and assertions. */
export function summarize(samples: readonly Sample[]) {
  const bad = samples.filter((s) => s.verdict === 'bad');
  return {
    requests: samples.length,
    ok: samples.filter((s) => s.verdict === 'ok').length,
    unavailable: samples.filter((s) => s.verdict === 'unavailable').length,
    bad: bad.length,
    /** Distinct bad answers with their counts, e.g. `{ "500 INTERNAL_SERVER_ERROR": 3 }`. */
    badKinds: bad.reduce<Record<string, number>>((acc, s) => {
      const key = `${s.op}: ${s.answer.replace(/ ".*$/, '')}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {}),
    firstBad: bad[0]?.answer ?? null,
    /** The slowest answer, ms. */
    slowestMs: samples.reduce((max, s) => Math.max(max, s.ms), 0),
  };
}

/** Time of the first successful createResource at or after `since` (null when none). */
export function firstCreateAfter(samples: readonly Sample[], since: number): number | null {
  const hit = samples.find((s) => s.at >= since && s.op === 'createResource' && s.verdict === 'ok');
  return hit ? hit.at : null;
}

/** Polls until `check` is true or `timeoutMs` passes; returns whether it became true. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Prints the scenario's one summary line (`[fault] name: …`) and returns it. */
export function report(name: string, figures: string): string {
  const line = `[fault] ${name}: ${figures}`;
  process.stdout.write(`${line}\n`);
  return line;
}

export const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
