import { summarizeProgress } from './overall-status.js';
import {
  PROCESSING_STAGES,
  STAGE_STATUSES,
  type ProcessingStage,
  type ResourceProgress,
  type StageProgress,
  type StageStatus,
} from './types.js';

/**
 * The stored form of one resource's progress, shared by the Redis hash and the in-process map:
 * `v` = version, `u` = updatedAt (unix ms), and one field per recorded stage holding
 * `status|attempt|startedAtMs|finishedAtMs|error` (empty = null). Stages without a field are PENDING.
 * One short field per stage keeps the hash in Redis' compact listpack encoding (see docs/performance.md).
 */
export type ProgressFields = Readonly<Record<string, string>>;

/** Longest stage error kept (characters); longer ones are cut with an ellipsis. */
export const MAX_ERROR_LENGTH = 2_000;

const STATUS_SET = new Set<string>(STAGE_STATUSES);
const STAGE_SET = new Set<string>(PROCESSING_STAGES);

export function isProcessingStage(value: unknown): value is ProcessingStage {
  return typeof value === 'string' && STAGE_SET.has(value);
}

export function isStageStatus(value: unknown): value is StageStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

/** Error text as stored: trimmed to MAX_ERROR_LENGTH; empty means none. A FAILED stage always gets a reason. */
export function normalizeError(stage: ProcessingStage, status: StageStatus, error: string | null | undefined): string {
  let text = (error ?? '').trim();
  if (text === '' && status === 'FAILED') text = `${stage} stage failed`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

const ms = (text: string | undefined): Date | null => (text ? new Date(Number(text)) : null);

/** Parses one stage field; null when the field is absent or malformed (treated as PENDING). */
export function decodeStage(stage: ProcessingStage, value: string | undefined): StageProgress {
  const match = value === undefined ? null : /^([A-Z]+)\|(\d*)\|(\d*)\|(\d*)\|([\s\S]*)$/.exec(value);
  if (!match || !isStageStatus(match[1]))
    return { stage, status: 'PENDING', error: null, startedAt: null, finishedAt: null, attempt: 0 };
  return {
    stage,
    status: match[1],
    attempt: Number(match[2] || 0),
    startedAt: ms(match[3]),
    finishedAt: ms(match[4]),
    error: match[5] ? match[5] : null,
  };
}

/** Builds the snapshot from stored fields (an empty record → all PENDING, version 0, updatedAt = `fallbackNow`). */
export function decodeFields(
  resourceId: string,
  fields: ProgressFields,
  fallbackNow: Date = new Date(),
): ResourceProgress {
  const stages = PROCESSING_STAGES.map((stage) => decodeStage(stage, fields[stage]));
  const summary = summarizeProgress(stages);
  return {
    resourceId,
    ...summary,
    stages,
    updatedAt: fields.u ? new Date(Number(fields.u)) : fallbackNow,
    version: Number(fields.v ?? 0) || 0,
  };
}

/** Redis replies to HGETALL inside Lua as a flat [field, value, …] array. */
export function flatToFields(flat: readonly unknown[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/** The all-PENDING snapshot of a resource nothing was recorded for. */
export function pendingProgress(resourceId: string, now: Date = new Date()): ResourceProgress {
  return decodeFields(resourceId, {}, now);
}

interface StoredStageState {
  version: number;
  updatedAt: string;
  stages: Array<{
    stage: string;
    status: string;
    error: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    attempt: number;
  }>;
}

/** The `stageState` column text for a snapshot (JSON; see decodeStageState). */
export function encodeStageState(snapshot: ResourceProgress): string {
  const stored: StoredStageState = {
    version: snapshot.version,
    updatedAt: snapshot.updatedAt.toISOString(),
    stages: snapshot.stages.map((s) => ({
      stage: s.stage,
      status: s.status,
      error: s.error,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      attempt: s.attempt,
    })),
  };
  return JSON.stringify(stored);
}

const date = (value: unknown): Date | null => {
  if (typeof value !== 'string') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * Parses a `stageState` column back into a snapshot. Unknown stages are ignored and missing ones are
 * PENDING, so rows written before a stage was added still read. Null for empty or unparsable text.
 */
export function decodeStageState(resourceId: string, text: string | null | undefined): ResourceProgress | null {
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as StoredStageState).stages)) return null;
  const stored = parsed as Partial<StoredStageState>;
  const byStage = new Map<ProcessingStage, StageProgress>();
  for (const s of stored.stages ?? []) {
    if (!s || !isProcessingStage(s.stage) || !isStageStatus(s.status)) continue;
    byStage.set(s.stage, {
      stage: s.stage,
      status: s.status,
      error: typeof s.error === 'string' && s.error !== '' ? s.error : null,
      startedAt: date(s.startedAt),
      finishedAt: date(s.finishedAt),
      attempt: Number.isInteger(s.attempt) && s.attempt >= 0 ? s.attempt : 0,
    });
  }
  const stages = PROCESSING_STAGES.map(
    (stage) =>
      byStage.get(stage) ?? {
        stage,
        status: 'PENDING' as const,
        error: null,
        startedAt: null,
        finishedAt: null,
        attempt: 0,
      },
  );
  return {
    resourceId,
    ...summarizeProgress(stages),
    stages,
    updatedAt: date(stored.updatedAt) ?? new Date(0),
    version: typeof stored.version === 'number' && Number.isFinite(stored.version) ? stored.version : 0,
  };
}
