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
  | { readonly kind: 'init' }
  | {
      /** Every PROCESSING stage back to PENDING with `reason` (its run is gone); only if version is `ifVersion`. */
      readonly kind: 'interrupt';
      readonly reason: string;
      readonly ifVersion: number | null;
    };

/** The stored value of a stage left PROCESSING by a run that is gone: PENDING, same attempt, no times. */
const INTERRUPTED = /^PROCESSING\|(\d*)\|/;

/**
 * Applies a change to stored fields (see ProgressFields), exactly as SET_PROGRESS_LUA does in Redis.
 * Returns false, leaving `fields` untouched, for an 'interrupt' that finds nothing to do (no record, no
 * PROCESSING stage, or a version other than `ifVersion`); true otherwise.
 * - version = max(previous + 1, now in µs), updatedAt = now in ms;
 * - init: every stage back to PENDING (fields removed), version still increases;
 * - PENDING clears the times; PROCESSING stamps startedAt, clears finishedAt, counts an attempt;
 *   COMPLETED/FAILED stamp finishedAt (and startedAt when the stage was never seen running);
 * - an explicit `attempt` overrides the count;
 * - interrupt: each PROCESSING stage becomes PENDING (attempt kept, times cleared) with `reason` as its error.
 */
export function applyChange(fields: Record<string, string>, change: ProgressChange, nowUs: number): boolean {
  const nowMs = Math.floor(nowUs / 1000);
  const version = Math.max(Number(fields.v ?? 0) + 1, nowUs);
  if (change.kind === 'interrupt') {
    if (fields.v === undefined) return false;
    if (change.ifVersion !== null && fields.v !== String(change.ifVersion)) return false;
    const stuck = PROCESSING_STAGES.filter((stage) => INTERRUPTED.test(fields[stage] ?? ''));
    if (stuck.length === 0) return false;
    for (const stage of stuck)
      fields[stage] = `PENDING|${INTERRUPTED.exec(fields[stage] ?? '')?.[1] ?? ''}|||${change.reason}`;
  } else if (change.kind === 'init') {
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
  return true;
}

/**
 * The same change as one atomic Redis script. KEYS[1] = hash; ARGV = channel, ttlSeconds, kind ('set'|'init'),
 * stage, status, error, attempt ('' = count); for kind 'interrupt': channel, ttlSeconds, 'interrupt', reason,
 * ifVersion ('' = any). Times come from the Redis clock (one clock for every worker).
 * Publishes the whole hash (flat JSON array) on the channel inside the script, so messages leave in version order.
 * Returns the hash as a flat array, or nil for an 'interrupt' with nothing to do (nothing written or published).
 */
export const SET_PROGRESS_LUA = `
local key = KEYS[1]
local channel, ttl, kind = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local oldText = redis.call('HGET', key, 'v')
local old = tonumber(oldText or '0') or 0
local version = math.max(old + 1, nowUs)
if kind == 'interrupt' then
  if not oldText or (ARGV[5] ~= '' and oldText ~= ARGV[5]) then return false end
  local changed = false
  for _, stage in ipairs({${PROCESSING_STAGES.map((s) => `'${s}'`).join(', ')}}) do
    local a = string.match(redis.call('HGET', key, stage) or '', '^PROCESSING|(%d*)|')
    if a then
      redis.call('HSET', key, stage, 'PENDING|' .. a .. '|||' .. ARGV[4])
      changed = true
    end
  end
  if not changed then return false end
elseif kind == 'init' then
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
