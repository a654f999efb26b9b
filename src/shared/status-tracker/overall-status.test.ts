import { describe, expect, it } from 'vitest';
import { summarizeProgress } from './overall-status.js';
import { PROCESSING_STAGES, type ProcessingStage, type StageStatus } from './types.js';

type Row = [name: string, stages: Partial<Record<ProcessingStage, StageStatus>>, overall: StageStatus, percent: number];

const all = (status: StageStatus): Partial<Record<ProcessingStage, StageStatus>> =>
  Object.fromEntries(PROCESSING_STAGES.map((s) => [s, status]));

const TABLE: Row[] = [
  ['nothing recorded (queued, job not started)', {}, 'PENDING', 0],
  ['all recorded PENDING', all('PENDING'), 'PENDING', 0],
  ['only INGESTION completed: the rest count as PENDING', { INGESTION: 'COMPLETED' }, 'PROCESSING', 20],
  ['INGESTION running', { INGESTION: 'PROCESSING' }, 'PROCESSING', 0],
  [
    'two completed, one running',
    { INGESTION: 'COMPLETED', EMBEDDING: 'COMPLETED', QUALITY: 'PROCESSING' },
    'PROCESSING',
    40,
  ],
  [
    'four completed, last never recorded',
    { INGESTION: 'COMPLETED', EMBEDDING: 'COMPLETED', QUALITY: 'COMPLETED', TAXONOMY: 'COMPLETED' },
    'PROCESSING',
    80,
  ],
  ['all completed', all('COMPLETED'), 'COMPLETED', 100],
  ['one failed, others pending', { INGESTION: 'FAILED' }, 'FAILED', 0],
  ['failed wins over processing', { INGESTION: 'COMPLETED', EMBEDDING: 'PROCESSING', GRAPH: 'FAILED' }, 'FAILED', 20],
  ['failed wins over four completed', { ...all('COMPLETED'), TAXONOMY: 'FAILED' }, 'FAILED', 80],
  ['all failed', all('FAILED'), 'FAILED', 0],
  ['all processing', all('PROCESSING'), 'PROCESSING', 0],
  ['pending after completed (re-run)', { INGESTION: 'COMPLETED', EMBEDDING: 'PENDING' }, 'PROCESSING', 20],
];

describe('summarizeProgress (overall status rule)', () => {
  it.each(TABLE)('%s', (_name, stages, overall, percent) => {
    const list = Object.entries(stages).map(([stage, status]) => ({
      stage: stage as ProcessingStage,
      status,
      error: status === 'FAILED' ? `${stage} broke` : null,
    }));
    const summary = summarizeProgress(list);
    expect(summary.overallStatus).toBe(overall);
    expect(summary.percent).toBe(percent);
  });

  it('reports the error of the first failed stage in execution order', () => {
    const summary = summarizeProgress([
      { stage: 'GRAPH', status: 'FAILED', error: 'graph broke' },
      { stage: 'EMBEDDING', status: 'FAILED', error: 'model missing' },
    ]);
    expect(summary.error).toBe('model missing');
  });

  it('has no error unless a stage failed', () => {
    expect(summarizeProgress([{ stage: 'INGESTION', status: 'COMPLETED', error: 'stale note' }]).error).toBeNull();
  });
});
