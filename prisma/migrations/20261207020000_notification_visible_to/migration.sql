-- A card only one person sees in a group chat (Feishu's ephemeral card): that person's open_id.
ALTER TABLE "notification" ADD COLUMN "visible_to" TEXT;
