/**
 * Issue 10 item 9: a run that starts on a resource a crashed run left half-done first shows the stage the
 * dead worker held as PENDING (with a reason) instead of two stages PROCESSING at once.
 */
import { describe, expect, it } from 'vitest';
import { INTERRUPTED_REASON } from '../../src/modules/processing/index.js';
import type { ResourceProgress } from '../../src/shared/status-tracker/index.js';
import { STOCK_MARKETS } from './fixtures.js';
import { startPipelineHarness } from './pipeline-harness.js';

describe('a run after a crashed one', () => {
  it('shows the stage the dead worker held as PENDING with a reason until this run reaches it', async () => {
    const h = await startPipelineHarness('postgresql');
    const id = await h.createText(STOCK_MARKETS);
    await h.deps.tracker.setProgress(id, 'INGESTION', 'COMPLETED');
    await h.deps.tracker.setProgress(id, 'TAXONOMY', 'PROCESSING');
    const seen: ResourceProgress[] = [];
    const watch = h.deps.tracker.watchProgress(id);
    // The snapshot first (the subscription is then confirmed): the dead worker's stage still PROCESSING.
    const snapshot = (await watch.next()).value as ResourceProgress;
    expect(snapshot.stages.find((s) => s.stage === 'TAXONOMY')).toMatchObject({ status: 'PROCESSING' });
    const collecting = (async () => {
      for await (const p of watch) {
        seen.push(p);
        if (p.overallStatus === 'COMPLETED' || p.overallStatus === 'FAILED') return;
      }
    })();
    expect(await h.run(id, { attempt: 2 })).toEqual({ status: 'COMPLETED' });
    await collecting;
    const taxonomy = (p: ResourceProgress) => p.stages.find((s) => s.stage === 'TAXONOMY')!;
    expect(taxonomy(seen[0]!)).toMatchObject({ status: 'PENDING', error: INTERRUPTED_REASON });
    // Never two stages PROCESSING at once.
    for (const p of seen) expect(p.stages.filter((s) => s.status === 'PROCESSING').length).toBeLessThanOrEqual(1);
    expect(taxonomy(seen.at(-1)!)).toMatchObject({ status: 'COMPLETED', error: null });
  });
});
