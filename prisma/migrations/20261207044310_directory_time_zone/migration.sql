-- AlterTable
ALTER TABLE "feishu_user" ADD COLUMN     "time_zone" TEXT;

-- AlterTable
ALTER TABLE "job" ADD COLUMN     "zone" TEXT;

-- CreateIndex
CREATE INDEX "job_status_reason_idx" ON "job"("status", "reason");
