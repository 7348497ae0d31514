-- AlterTable
ALTER TABLE "audit_log" ADD COLUMN     "reply" JSONB,
ADD COLUMN     "request_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_request_id_key" ON "audit_log"("request_id");
