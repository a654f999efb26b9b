import { contentHash } from '../../../shared/content-hash.js';
import { ResourceGoneError } from '../errors.js';
import type { PipelineDeps, StageRun } from '../pipeline-deps.js';
import { decodeBody, ingestDocument } from './ingest-document.js';

/**
 * INGESTION: fetch the URL (or take the submitted text), extract text and metadata and store them
 * on the row in one update. A title or description the user gave is kept. Submitted text keeps the
 * hash computed at creation (duplicate detection); fetched documents get theirs here.
 */
export async function runIngestion(deps: PipelineDeps, run: StageRun): Promise<void> {
  const row = await deps.db.resource.findUnique({
    where: { id: run.resourceId },
    select: { url: true, content: true, title: true, description: true, contentHash: true },
  });
  if (!row) throw new ResourceGoneError(run.resourceId);
  let doc;
  if (row.url) {
    const fetched = await deps.fetcher.fetch(row.url, run.signal);
    doc = ingestDocument({
      body: decodeBody(fetched.body, fetched.charset),
      mediaType: fetched.mediaType,
      url: fetched.url,
    });
  } else {
    doc = ingestDocument({ body: row.content, mediaType: null, url: null });
  }
  const result = await deps.db.resource.updateMany({
    where: { id: run.resourceId },
    data: {
      content: doc.text,
      title: row.title ?? doc.title?.slice(0, 500) ?? null,
      description: row.description ?? doc.description,
      language: doc.language,
      wordCount: doc.wordCount,
      contentHash: row.url ? doc.contentHash : (row.contentHash ?? contentHash(row.content)),
      outboundLinks: JSON.stringify(doc.links),
    },
  });
  if (result.count === 0) throw new ResourceGoneError(run.resourceId);
}
