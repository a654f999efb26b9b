import type { Viewer } from '../../shared/context.js';
import { contentHash } from '../../shared/content-hash.js';
import { badInput } from '../../shared/errors.js';
import { RESOURCE_ROW_SELECT, type ResourceRow } from './access/resource-row.js';
import type { CreateResourceInput } from './create-resource.input.js';
import { queueProcessing, type ProcessingTrigger } from './queue-processing.js';
import type { ResourcesDatabase } from './resources.deps.js';

export type { ProcessingTrigger } from './queue-processing.js';

export const MAX_URL_CHARS = 2_048;
export const MAX_CONTENT_BYTES = 5 * 1024 * 1024;
export const MAX_TITLE_CHARS = 500;
export const MAX_DESCRIPTION_CHARS = 5_000;

export interface CreateResourceOptions extends ProcessingTrigger {
  readonly db: ResourcesDatabase;
  readonly viewer: Viewer;
  readonly input: CreateResourceInput;
}

/** The validated input: exactly one source, trimmed optional texts. */
export interface ValidCreateInput {
  readonly url: string | null;
  readonly content: string | null;
  readonly title: string | null;
  readonly description: string | null;
}

/**
 * Checks the createResource input.
 * @throws AppError BAD_USER_INPUT with `extensions.field` naming the offending field.
 */
export function validateCreateInput(input: CreateResourceInput): ValidCreateInput {
  const url = input.url?.trim() || null;
  const content = input.content ?? null;
  const hasContent = content !== null && content.trim() !== '';
  if (url && hasContent) throw badInput('input.url', 'Give either url or content, not both');
  if (!url && !hasContent)
    throw badInput(
      content === null ? 'input.url' : 'input.content',
      content === null ? 'Give a url or some content' : 'content is empty',
    );
  let href: string | null = null;
  if (url) {
    // Cheap bound before parsing; the real limit applies to the normalised form (below).
    if (url.length > MAX_URL_CHARS) throw badInput('input.url', `url must be at most ${MAX_URL_CHARS} characters`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badInput('input.url', 'url is not a valid absolute URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw badInput('input.url', 'url must use http or https');
    if (parsed.username || parsed.password) throw badInput('input.url', 'url must not contain credentials');
    // Normalising percent-encodes non-ASCII (up to 9 bytes per character): the stored href must fit
    // the unique (owner, url) index row, so the byte limit applies after normalising.
    href = parsed.toString();
    if (Buffer.byteLength(href, 'utf8') > MAX_URL_CHARS)
      throw badInput('input.url', `url must be at most ${MAX_URL_CHARS} bytes once percent-encoded`);
  }
  if (hasContent && Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES)
    throw badInput('input.content', 'content must be at most 5 MB');
  const title = input.title?.trim() || null;
  if (title && title.length > MAX_TITLE_CHARS)
    throw badInput('input.title', `title must be at most ${MAX_TITLE_CHARS} characters`);
  const description = input.description?.trim() || null;
  if (description && description.length > MAX_DESCRIPTION_CHARS)
    throw badInput('input.description', `description must be at most ${MAX_DESCRIPTION_CHARS} characters`);
  return { url: href, content: hasContent ? content : null, title, description };
}

/**
 * Creates a resource and queues its processing, returning at once. The row (and its all-PENDING
 * progress) exists before the job is queued. The same content (by hash) or the same URL the owner
 * already submitted returns the existing resource instead. When the queue is unreachable nothing is
 * written (it is pinged first); when it fails after the row was written, the row is removed again
 * (see queueProcessing), so a SERVICE_UNAVAILABLE answer leaves no row a retry would take for a duplicate.
 * @throws AppError BAD_USER_INPUT (see validateCreateInput), SERVICE_UNAVAILABLE
 */
export async function createResource(options: CreateResourceOptions): Promise<ResourceRow> {
  const { db, viewer } = options;
  const input = validateCreateInput(options.input);
  const ownerId = viewer.userId;
  const hash = input.content !== null ? contentHash(input.content) : null;
  const duplicate = await db.prisma.resource.findFirst({
    where: hash ? { ownerId, contentHash: hash } : { ownerId, url: input.url },
    select: RESOURCE_ROW_SELECT,
    orderBy: { createdAt: 'asc' },
  });
  if (duplicate) return duplicate;
  return queueProcessing(options, (row) => row.id, {
    apply: () =>
      db.prisma.resource.create({
        data: {
          ownerId,
          url: input.url,
          content: input.content ?? '',
          contentHash: hash,
          title: input.title,
          description: input.description,
        },
        select: RESOURCE_ROW_SELECT,
      }),
    undo: async (row) => {
      await db.prisma.resource.deleteMany({ where: { id: row.id } });
    },
    job: (row) => ({ resourceId: row.id }),
  });
}
