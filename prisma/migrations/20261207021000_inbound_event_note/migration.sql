-- Why processing an event sent nothing (a stale update, a message not for the bot, an unknown state), for people
-- looking at the queue; NULL when it sent something.
ALTER TABLE "inbound_event" ADD COLUMN     "note" TEXT;
