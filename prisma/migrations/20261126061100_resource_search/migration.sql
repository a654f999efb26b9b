-- Full-text search over resources (issue 7, docs/search.md).
-- A generated tsvector column (title weight A, description B, the first 200,000 characters of
-- content C) with a GIN index; PostgreSQL keeps it in sync on every insert and update.
-- Written by hand: Prisma's schema language cannot express generated columns.

-- AddColumn
ALTER TABLE "resources" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, left("content", 200000)), 'C')
) STORED;

-- CreateIndex
CREATE INDEX "resources_search_vector_idx" ON "resources" USING GIN ("search_vector");
