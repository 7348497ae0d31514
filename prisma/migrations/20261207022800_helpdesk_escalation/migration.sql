-- AlterTable
ALTER TABLE "helpdesk_ticket" ADD COLUMN "opened_at" TIMESTAMPTZ(3),
ADD COLUMN "escalated" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "helpdesk_desk" (
    "chat_id" TEXT NOT NULL,
    "duty" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "leads" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rota" JSONB NOT NULL DEFAULT '{}',
    "remind_after" INTEGER,
    "lead_after" INTEGER,
    "clock" TEXT NOT NULL DEFAULT 'working',
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "summary" BOOLEAN NOT NULL DEFAULT true,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "helpdesk_desk_pkey" PRIMARY KEY ("chat_id")
);
