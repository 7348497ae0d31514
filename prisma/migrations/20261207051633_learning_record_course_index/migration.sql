-- CreateIndex
CREATE INDEX "learning_record_item_key_id_idx" ON "learning_record"("item_key", "id");

-- CreateIndex
CREATE INDEX "learning_record_item_id_id_idx" ON "learning_record"("item_id", "id");
