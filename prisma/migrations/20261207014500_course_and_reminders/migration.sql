-- AlterTable
ALTER TABLE "alm_catalog" ADD COLUMN "completion_deadline" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "course" (
    "course_id" TEXT NOT NULL,
    "name" TEXT,
    "name_set_by" TEXT,
    "due_on" TEXT,
    "due_set_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_pkey" PRIMARY KEY ("course_id")
);

-- CreateTable
CREATE TABLE "reminder_state" (
    "record_id" UUID NOT NULL,
    "progress_at" TIMESTAMPTZ(3),
    "stalled_sent" INTEGER NOT NULL DEFAULT 0,
    "last_sent_at" TIMESTAMPTZ(3),
    "stopped_at" TIMESTAMPTZ(3),
    "snoozed_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminder_state_pkey" PRIMARY KEY ("record_id")
);
