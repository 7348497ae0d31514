-- AlterTable
ALTER TABLE "inbound_event" ADD COLUMN     "payload_raw" TEXT;
