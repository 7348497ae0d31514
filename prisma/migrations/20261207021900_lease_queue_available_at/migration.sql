-- One name for the lease-queue engine's retry time in every queue (the inbox and the jobs call it available_at).
ALTER TABLE "notification" RENAME COLUMN "next_attempt_at" TO "available_at";
ALTER INDEX "notification_status_next_attempt_at_idx" RENAME TO "notification_status_available_at_idx";
