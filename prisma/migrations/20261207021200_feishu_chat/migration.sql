-- Group chat names from Feishu, cached for every instance.
CREATE TABLE "feishu_chat" (
    "chat_id" TEXT NOT NULL,
    "name" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feishu_chat_pkey" PRIMARY KEY ("chat_id")
);
