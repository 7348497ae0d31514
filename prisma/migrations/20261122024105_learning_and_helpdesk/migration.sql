-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "operation" TEXT NOT NULL DEFAULT 'send',
ADD COLUMN     "patch_of" UUID,
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'user',
ADD COLUMN     "subject" TEXT,
ADD COLUMN     "wait_for" TEXT;

-- CreateTable
CREATE TABLE "learning_record" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "source" TEXT NOT NULL,
    "external_user_id" TEXT NOT NULL,
    "item_key" TEXT NOT NULL,
    "item_type" TEXT NOT NULL,
    "item_id" TEXT,
    "item_name" TEXT,
    "state" TEXT NOT NULL,
    "raw_state" TEXT,
    "progress_percent" INTEGER,
    "score" DOUBLE PRECISION,
    "total_score" DOUBLE PRECISION,
    "pass_score" DOUBLE PRECISION,
    "enrolled_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "enroll_source" TEXT,
    "duration_seconds" INTEGER,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "notified" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "last_event_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learning_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learner_identity" (
    "source" TEXT NOT NULL,
    "external_user_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "origin" TEXT,
    "open_id" TEXT,
    "display_name" TEXT,
    "last_error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_attempt_at" TIMESTAMPTZ(3),
    "bound_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learner_identity_pkey" PRIMARY KEY ("source","external_user_id")
);

-- CreateTable
CREATE TABLE "feishu_user" (
    "open_id" TEXT NOT NULL,
    "user_id" TEXT,
    "name" TEXT,
    "leader_open_id" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feishu_user_pkey" PRIMARY KEY ("open_id")
);

-- CreateTable
CREATE TABLE "manager_override" (
    "learner_open_id" TEXT NOT NULL,
    "manager_open_id" TEXT NOT NULL,
    "set_by" TEXT,
    "set_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manager_override_pkey" PRIMARY KEY ("learner_open_id")
);

-- CreateTable
CREATE TABLE "alm_catalog" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "lo_id" TEXT,
    "lo_type" TEXT,
    "name" TEXT,
    "state" TEXT,
    "seat_limit" INTEGER,
    "enrolled" INTEGER,
    "waitlist" INTEGER,
    "stats" JSONB,
    "last_event_at" TIMESTAMPTZ(3),
    "fetched_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alm_catalog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_call" (
    "id" BIGSERIAL NOT NULL,
    "api" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "helpdesk_ticket" (
    "ticket_id" TEXT NOT NULL,
    "helpdesk_id" TEXT,
    "ticket" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "source_updated" BIGINT,
    "claimed_by" TEXT,
    "claimed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "helpdesk_ticket_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "card_action" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "action_key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "open_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin" (
    "open_id" TEXT NOT NULL,
    "added_by" TEXT,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_pkey" PRIMARY KEY ("open_id")
);

-- CreateTable
CREATE TABLE "route" (
    "kind" TEXT NOT NULL,
    "chat_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '*',
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "route_pkey" PRIMARY KEY ("kind","chat_id","scope")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "user_preference" (
    "open_id" TEXT NOT NULL,
    "lang" TEXT,
    "muted_kinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "time_zone" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_preference_pkey" PRIMARY KEY ("open_id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "learning_record_external_user_id_idx" ON "learning_record"("external_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "learning_record_source_external_user_id_item_key_key" ON "learning_record"("source", "external_user_id", "item_key");

-- CreateIndex
CREATE INDEX "learner_identity_open_id_idx" ON "learner_identity"("open_id");

-- CreateIndex
CREATE INDEX "learner_identity_status_idx" ON "learner_identity"("status");

-- CreateIndex
CREATE INDEX "feishu_user_user_id_idx" ON "feishu_user"("user_id");

-- CreateIndex
CREATE INDEX "api_call_api_at_idx" ON "api_call"("api", "at");

-- CreateIndex
CREATE UNIQUE INDEX "card_action_action_key_key" ON "card_action"("action_key");

-- CreateIndex
CREATE INDEX "notification_wait_for_idx" ON "notification"("wait_for");

-- CreateIndex
CREATE INDEX "notification_subject_idx" ON "notification"("subject");
