-- A manager's team digest as it went out, so a click on its card can show the same card again.
CREATE TABLE "team_digest" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "manager_open_id" TEXT NOT NULL,
    "model" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_digest_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "team_digest_key_key" ON "team_digest"("key");
CREATE INDEX "team_digest_manager_open_id_created_at_idx" ON "team_digest"("manager_open_id", "created_at");
