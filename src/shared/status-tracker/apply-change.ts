import type { ProcessingStage, StageStatus } from './types.js';
import { PROCESSING_STAGES } from './types.js';

/** One change to a resource's progress record. */
export type ProgressChange =
  | {
      readonly kind: 'set';
      readonly stage: ProcessingStage;
      readonly status: StageStatus;
      readonly error: string;
      readonly attempt: number | null;
    }
  | { readonly kind: 'init' };

/**
 * Applies a change to stored fields (see ProgressFields), exactly as SET_PROGRESS_LUA does in Redis:
 * - version = max(previous + 1, now in µs), updatedAt = now in ms;
 * - init: every stage back to PENDING (fields removed), version still increases;
 * - PENDING clears the times; PROCESSING stamps startedAt, clears finishedAt, counts an attempt;
 *   COMPLETED/FAILED stamp finishedAt (and startedAt when the stage was never seen running);
 * - an explicit `attempt` overrides the count.
 */
export function applyChange(fields: Record<string, string>, change: ProgressChange, nowUs: number): void {
  const nowMs = Math.floor(nowUs / 1000);
  const version = Math.max(Number(fields.v ?? 0) + 1, nowUs);
  if (change.kind === 'init') {
    for (const stage of PROCESSING_STAGES) delete fields[stage];
  } else {
    const prev = /^[A-Z]*\|(\d*)\|(\d*)\|/.exec(fields[change.stage] ?? '');
    const prevAttempt = Number(prev?.[1] || 0);
    const prevStarted = prev?.[2] ?? '';
    let started = '';
    let finished = '';
    let attempt = prevAttempt;
    if (change.status === 'PROCESSING') {
      started = String(nowMs);
      attempt = prevAttempt + 1;
    } else if (change.status === 'COMPLETED' || change.status === 'FAILED') {
      started = prevStarted || String(nowMs);
      finished = String(nowMs);
      attempt = Math.max(prevAttempt, 1);
    }
    if (change.attempt !== null) attempt = change.attempt;
    fields[change.stage] = `${change.status}|${attempt}|${started}|${finished}|${change.error}`;
  }
  fields.v = String(version);
  fields.u = String(nowMs);
}

/**
 * The same change as one atomic Redis script. KEYS[1] = hash; ARGV = channel, ttlSeconds, kind ('set'|'init'),
 * stage, status, error, attempt ('' = count). Times come from the Redis clock (one clock for every worker).
 * Publishes the whole hash (flat JSON array) on the channel inside the script, so messages leave in version order.
 * Returns the hash as a flat array.
 */
export const SET_PROGRESS_LUA = `
local key = KEYS[1]
local channel, ttl, kind = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local old = tonumber(redis.call('HGET', key, 'v') or '0') or 0
local version = math.max(old + 1, nowUs)
if kind == 'init' then
  redis.call('HDEL', key, ${PROCESSING_STAGES.map((s) => `'${s}'`).join(', ')})
else
  local stage, status, err, attempt = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
  local prev = redis.call('HGET', key, stage)
  local prevAttempt, prevStarted = 0, ''
  if prev then
    local a, st = string.match(prev, '^[A-Z]*|(%d*)|(%d*)|')
    prevAttempt = tonumber(a) or 0
    prevStarted = st or ''
  end
  local started, finished, att = '', '', prevAttempt
  if status == 'PROCESSING' then
    started = string.format('%.0f', nowMs)
    att = prevAttempt + 1
  elseif status == 'COMPLETED' or status == 'FAILED' then
    if prevStarted ~= '' then started = prevStarted else started = string.format('%.0f', nowMs) end
    finished = string.format('%.0f', nowMs)
    att = math.max(prevAttempt, 1)
  end
  if attempt ~= '' then att = tonumber(attempt) end
  redis.call('HSET', key, stage, status .. '|' .. string.format('%.0f', att) .. '|' .. started .. '|' .. finished .. '|' .. err)
end
redis.call('HSET', key, 'v', string.format('%.0f', version), 'u', string.format('%.0f', nowMs))
redis.call('EXPIRE', key, ttl)
local all = redis.call('HGETALL', key)
redis.call('PUBLISH', channel, cjson.encode(all))
return all
`;
