-- CreateIndex
CREATE INDEX "resources_owner_id_quality_overall_id_idx" ON "resources"("owner_id", "quality_overall", "id");

-- CreateIndex
CREATE INDEX "resources_owner_id_title_id_idx" ON "resources"("owner_id", "title", "id");
