-- Full-text search over resources (issue 7, docs/search.md).
-- An FTS5 table (porter stemming) holding title, description and content, kept in sync by triggers.
-- FTS rows are keyed by resource_search_rowids.rowid, an INTEGER PRIMARY KEY that VACUUM never
-- renumbers (the implicit rowid of "resources" may change, so it cannot be the key).
-- Written by hand: Prisma's schema language cannot express virtual tables or triggers.

-- CreateTable
CREATE TABLE "resource_search_rowids" (
    "rowid" INTEGER NOT NULL PRIMARY KEY,
    "resource_id" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "resource_search_rowids_resource_id_key" ON "resource_search_rowids"("resource_id");

-- CreateVirtualTable
CREATE VIRTUAL TABLE "resources_fts" USING fts5(
    title, description, content,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- CreateTrigger
CREATE TRIGGER "resources_fts_insert" AFTER INSERT ON "resources" BEGIN
    INSERT INTO "resource_search_rowids" ("resource_id") VALUES (new."id");
    INSERT INTO "resources_fts" (rowid, title, description, content)
    VALUES (
        (SELECT "rowid" FROM "resource_search_rowids" WHERE "resource_id" = new."id"),
        coalesce(new."title", ''), coalesce(new."description", ''), substr(new."content", 1, 200000)
    );
END;

-- CreateTrigger
CREATE TRIGGER "resources_fts_update" AFTER UPDATE OF "title", "description", "content" ON "resources" BEGIN
    DELETE FROM "resources_fts" WHERE rowid = (SELECT "rowid" FROM "resource_search_rowids" WHERE "resource_id" = old."id");
    INSERT INTO "resources_fts" (rowid, title, description, content)
    VALUES (
        (SELECT "rowid" FROM "resource_search_rowids" WHERE "resource_id" = new."id"),
        coalesce(new."title", ''), coalesce(new."description", ''), substr(new."content", 1, 200000)
    );
END;

-- CreateTrigger
CREATE TRIGGER "resources_fts_delete" AFTER DELETE ON "resources" BEGIN
    DELETE FROM "resources_fts" WHERE rowid = (SELECT "rowid" FROM "resource_search_rowids" WHERE "resource_id" = old."id");
    DELETE FROM "resource_search_rowids" WHERE "resource_id" = old."id";
END;

-- Backfill
INSERT INTO "resource_search_rowids" ("resource_id") SELECT "id" FROM "resources";
INSERT INTO "resources_fts" (rowid, title, description, content)
SELECT m."rowid", coalesce(r."title", ''), coalesce(r."description", ''), substr(r."content", 1, 200000)
FROM "resources" r JOIN "resource_search_rowids" m ON m."resource_id" = r."id";
