import { describe, expect, it } from 'vitest';
import { applyChange } from './apply-change.js';
import {
  decodeFields,
  decodeStageState,
  encodeStageState,
  MAX_ERROR_LENGTH,
  normalizeError,
  pendingProgress,
} from './progress-record.js';
import { PROCESSING_STAGES } from './types.js';

const ID = '00000000-0000-4000-8000-000000000001';

describe('progress record', () => {
  it('an empty record is all PENDING in execution order, version 0', () => {
    const p = pendingProgress(ID, new Date(5));
    expect(p.stages.map((s) => s.stage)).toEqual([...PROCESSING_STAGES]);
    expect(p.stages.every((s) => s.status === 'PENDING' && s.attempt === 0 && s.startedAt === null)).toBe(true);
    expect(p).toMatchObject({ overallStatus: 'PENDING', percent: 0, version: 0, error: null, updatedAt: new Date(5) });
  });

  it('stamps startedAt on PROCESSING and finishedAt on COMPLETED, counting attempts', () => {
    const f: Record<string, string> = {};
    applyChange(f, { kind: 'set', stage: 'INGESTION', status: 'PROCESSING', error: '', attempt: null }, 1_000_000);
    applyChange(f, { kind: 'set', stage: 'INGESTION', status: 'COMPLETED', error: '', attempt: null }, 3_000_000);
    const s = decodeFields(ID, f).stages[0]!;
    expect(s).toMatchObject({
      stage: 'INGESTION',
      status: 'COMPLETED',
      attempt: 1,
      startedAt: new Date(1000),
      finishedAt: new Date(3000),
      error: null,
    });
  });

  it('a retry counts a second attempt and clears finishedAt; an explicit attempt wins', () => {
    const f: Record<string, string> = {};
    applyChange(f, { kind: 'set', stage: 'GRAPH', status: 'PROCESSING', error: '', attempt: null }, 1_000_000);
    applyChange(f, { kind: 'set', stage: 'GRAPH', status: 'FAILED', error: 'timeout', attempt: null }, 2_000_000);
    applyChange(f, { kind: 'set', stage: 'GRAPH', status: 'PROCESSING', error: '', attempt: null }, 3_000_000);
    let g = decodeFields(ID, f).stages.find((s) => s.stage === 'GRAPH')!;
    expect(g).toMatchObject({
      status: 'PROCESSING',
      attempt: 2,
      startedAt: new Date(3000),
      finishedAt: null,
      error: null,
    });
    applyChange(f, { kind: 'set', stage: 'GRAPH', status: 'PROCESSING', error: '', attempt: 7 }, 4_000_000);
    g = decodeFields(ID, f).stages.find((s) => s.stage === 'GRAPH')!;
    expect(g.attempt).toBe(7);
  });

  it('versions strictly increase even when the clock stands still or goes back', () => {
    const f: Record<string, string> = {};
    const versions: number[] = [];
    for (const t of [5_000_000, 5_000_000, 4_000_000, 9_000_000]) {
      applyChange(f, { kind: 'init' }, t);
      versions.push(Number(f.v));
    }
    expect(versions).toEqual([5_000_000, 5_000_001, 5_000_002, 9_000_000]);
  });

  it('init resets every stage but keeps the version increasing', () => {
    const f: Record<string, string> = {};
    applyChange(f, { kind: 'set', stage: 'QUALITY', status: 'COMPLETED', error: '', attempt: null }, 1_000_000);
    applyChange(f, { kind: 'init' }, 1_000_000);
    const p = decodeFields(ID, f);
    expect(p.overallStatus).toBe('PENDING');
    expect(p.version).toBe(1_000_001);
  });

  it('errors keep pipes and newlines, failed stages always get a reason, long ones are cut', () => {
    const f: Record<string, string> = {};
    applyChange(f, { kind: 'set', stage: 'TAXONOMY', status: 'FAILED', error: 'a|b\nc', attempt: null }, 1_000_000);
    expect(decodeFields(ID, f).error).toBe('a|b\nc');
    expect(normalizeError('EMBEDDING', 'FAILED', undefined)).toBe('EMBEDDING stage failed');
    expect(normalizeError('EMBEDDING', 'FAILED', 'x'.repeat(5000))).toHaveLength(MAX_ERROR_LENGTH);
  });

  it('stageState JSON round-trips and tolerates unknown or missing stages', () => {
    const f: Record<string, string> = {};
    applyChange(f, { kind: 'set', stage: 'INGESTION', status: 'COMPLETED', error: '', attempt: null }, 1_000_000);
    applyChange(f, { kind: 'set', stage: 'EMBEDDING', status: 'FAILED', error: 'no model', attempt: 3 }, 2_000_000);
    const snapshot = decodeFields(ID, f);
    expect(decodeStageState(ID, encodeStageState(snapshot))).toEqual(snapshot);
    const partial = decodeStageState(
      ID,
      JSON.stringify({
        version: 4,
        updatedAt: '2024-01-01T00:00:00.000Z',
        stages: [
          { stage: 'OLD', status: 'COMPLETED' },
          { stage: 'GRAPH', status: 'COMPLETED', attempt: 1 },
        ],
      }),
    );
    expect(partial?.stages.map((s) => s.status)).toEqual(['PENDING', 'PENDING', 'PENDING', 'PENDING', 'COMPLETED']);
    expect(partial).toMatchObject({ overallStatus: 'PROCESSING', percent: 20, version: 4 });
    expect(decodeStageState(ID, 'not json')).toBeNull();
    expect(decodeStageState(ID, null)).toBeNull();
  });
});
