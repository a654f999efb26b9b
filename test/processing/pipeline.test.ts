import { describe, expect, it } from 'vitest';
import { bytesToVector } from '../../src/shared/embeddings/index.js';
import { CELL_BIOLOGY, htmlPage, PHOTOSYNTHESIS, STOCK_MARKETS } from './fixtures.js';
import { startFixtureServer, startPipelineHarness } from './pipeline-harness.js';

describe.each(['sqlite', 'postgresql'] as const)('pipeline on %s', (provider) => {
  it('runs all five stages and stores every output, then replaces them on a re-run', async () => {
    const h = await startPipelineHarness(provider);
    const server = await startFixtureServer({ '/cells': () => ({ body: htmlPage('Cell biology', CELL_BIOLOGY) }) });
    const cellsId = await h.createUrl(`${server.base}/cells`);
    expect(await h.run(cellsId)).toEqual({ status: 'COMPLETED' });
    const marketsId = await h.createText(STOCK_MARKETS);
    expect(await h.run(marketsId)).toEqual({ status: 'COMPLETED' });
    const photoId = await h.createText(`${PHOTOSYNTHESIS}\n\nFurther reading: ${server.base}/cells`);
    expect(await h.run(photoId)).toEqual({ status: 'COMPLETED' });

    const progress = await h.deps.tracker.getProgress(photoId);
    expect(progress.overallStatus).toBe('COMPLETED');
    expect(progress.stages.map((s) => [s.stage, s.status])).toEqual([
      ['INGESTION', 'COMPLETED'],
      ['EMBEDDING', 'COMPLETED'],
      ['QUALITY', 'COMPLETED'],
      ['TAXONOMY', 'COMPLETED'],
      ['GRAPH', 'COMPLETED'],
    ]);

    const p = await h.db.prisma.resource.findUniqueOrThrow({
      where: { id: photoId },
      include: {
        chunks: true,
        categories: { include: { category: true }, orderBy: { confidence: 'desc' } },
        edgesOut: true,
      },
    });
    expect(p.title).toBe('Photosynthesis');
    expect(p.language).toBe('en');
    expect(p.wordCount).toBeGreaterThan(150);
    expect(p.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(p.overallStatus).toBe('COMPLETED');
    expect(p.embeddingModel).toBe('pharos/glove-sif-100d');
    expect(bytesToVector(p.vector!)).toHaveLength(100);
    expect(p.chunks.length).toBeGreaterThanOrEqual(1);
    expect(p.chunks.every((c) => c.model === 'pharos/glove-sif-100d' && c.vector.byteLength === 400)).toBe(true);
    for (const q of [
      p.qualityOverall,
      p.qualityCompleteness,
      p.qualityReadability,
      p.qualityDepth,
      p.qualityCredibility,
    ]) {
      expect(q).toBeGreaterThanOrEqual(0);
      expect(q).toBeLessThanOrEqual(1);
    }
    expect(p.categories.length).toBeGreaterThan(0);
    expect(p.categories.length).toBeLessThanOrEqual(3);
    expect(p.categories[0]!.category.path).toMatch(/^science/);
    expect(p.edgesOut).toContainEqual(expect.objectContaining({ targetId: cellsId, kind: 'CITES', weight: 1 }));
    const similar = p.edgesOut.filter((e) => e.kind === 'SIMILAR').map((e) => e.targetId);
    expect(similar).toContain(cellsId);
    expect(similar).not.toContain(marketsId);

    const cells = await h.db.prisma.resource.findUniqueOrThrow({ where: { id: cellsId } });
    expect(cells.title).toBe('Cell biology');
    expect(cells.description).toBe('About cell biology');
    expect(cells.content).not.toMatch(/Copyright footer|About us/);
    // http (−0.1) on a bare IP host (−0.3): 0.5 − 0.4.
    expect(cells.qualityCredibility).toBeCloseTo(0.1);

    const counts = async () => ({
      chunks: await h.db.prisma.resourceChunk.count({ where: { resourceId: photoId } }),
      categories: await h.db.prisma.resourceCategory.count({ where: { resourceId: photoId } }),
      edges: await h.db.prisma.resourceEdge.count({ where: { OR: [{ sourceId: photoId }, { targetId: photoId }] } }),
    });
    const before = await counts();
    expect(await h.run(photoId)).toEqual({ status: 'COMPLETED' });
    expect(await counts()).toEqual(before);
  });

  it('marks a permanent failure FAILED with its reason and leaves later stages PENDING', async () => {
    const h = await startPipelineHarness(provider);
    const id = await h.createText('Too short to use.');
    const outcome = await h.run(id);
    expect(outcome).toMatchObject({ status: 'FAILED', stage: 'INGESTION' });
    const progress = await h.deps.tracker.getProgress(id);
    expect(progress.overallStatus).toBe('FAILED');
    expect(progress.error).toMatch(/too little readable text \(17 characters; at least 50/);
    expect(progress.stages.slice(1).every((s) => s.status === 'PENDING')).toBe(true);
    const row = await h.db.prisma.resource.findUniqueOrThrow({ where: { id } });
    expect(row.overallStatus).toBe('FAILED');
    expect(await h.db.prisma.resourceChunk.count({ where: { resourceId: id } })).toBe(0);
  });

  it('rethrows a transient failure for a retry, and fails it on the last attempt', async () => {
    const h = await startPipelineHarness(provider);
    const server = await startFixtureServer({ '/busy': () => ({ status: 503, body: 'busy' }) });
    const id = await h.createUrl(`${server.base}/busy`);
    await expect(h.run(id, { attempt: 1 })).rejects.toThrow(/HTTP 503/);
    let progress = await h.deps.tracker.getProgress(id);
    expect(progress.stages[0]).toMatchObject({ status: 'PENDING', attempt: 1 });
    expect(progress.stages[0]!.error).toMatch(/Retrying after a temporary problem: The site answered HTTP 503/);
    expect(await h.run(id, { attempt: 4, maxAttempts: 4 })).toMatchObject({ status: 'FAILED', stage: 'INGESTION' });
    progress = await h.deps.tracker.getProgress(id);
    expect(progress.stages[0]).toMatchObject({ status: 'FAILED', attempt: 4 });
    expect(progress.error).toMatch(/HTTP 503/);
  });

  it('stops quietly when the resource is deleted', async () => {
    const h = await startPipelineHarness(provider);
    const id = await h.createText(PHOTOSYNTHESIS);
    await h.db.prisma.resource.delete({ where: { id } });
    expect(await h.run(id)).toEqual({ status: 'GONE' });
  });
});
