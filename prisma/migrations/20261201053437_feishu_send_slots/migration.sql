-- CreateTable
CREATE TABLE "feishu_send_slot" (
    "id" BIGSERIAL NOT NULL,
    "recipient" TEXT NOT NULL,
    "granted_at" TIMESTAMPTZ(6) NOT NULL,
    "ends_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "feishu_send_slot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "feishu_send_slot_ends_at_idx" ON "feishu_send_slot"("ends_at");

-- CreateIndex
CREATE INDEX "feishu_send_slot_recipient_ends_at_idx" ON "feishu_send_slot"("recipient", "ends_at");

-- Slots matter for a minute at most: no WAL for them (a crash of the server empties the table, and its restart
-- takes longer than the windows), so taking and releasing one does not wait for a disk flush.
ALTER TABLE "feishu_send_slot" SET UNLOGGED;

-- How long until a slot is free in one window: 0 now, else ms (10 while the slot to wait for is still in flight,
-- since its end is not known yet). The window holds `lim` slots; the one that must leave is the lim-th newest.
CREATE FUNCTION feishu_send_wait(t TIMESTAMPTZ, p_recipient TEXT, lim INT, window_ms INT) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
  e TIMESTAMPTZ;
  w INTERVAL := window_ms * INTERVAL '1 millisecond';
BEGIN
  IF p_recipient IS NULL THEN
    SELECT ends_at INTO e FROM feishu_send_slot WHERE ends_at > t - w ORDER BY ends_at DESC OFFSET lim - 1 LIMIT 1;
  ELSE
    SELECT ends_at INTO e FROM feishu_send_slot WHERE recipient = p_recipient AND ends_at > t - w
     ORDER BY ends_at DESC OFFSET lim - 1 LIMIT 1;
  END IF;
  IF e IS NULL THEN RETURN 0; END IF;
  IF e > t THEN RETURN 10; END IF;
  RETURN GREATEST(1, CEIL(EXTRACT(EPOCH FROM (e + w - t)) * 1000)::INT);
END $$;

-- Takes send slots for the sends waiting in one instance, in their order, as long as the app's windows (per second,
-- and per minute when p_per_minute > 0) have room: a row (i, slot id, 0) for each send granted, (i, NULL, ms) for one
-- whose recipient's window is full; sends after the app's windows filled get no row. A last row (NULL, NULL, ms)
-- says how long until the app has room again, when it has none. One transaction-scoped advisory lock serialises the
-- instances; the database's clock is the only clock read.
CREATE FUNCTION feishu_send_acquire(p_recipients TEXT[], p_per_second INT, p_per_minute INT, p_per_recipient INT,
                                    p_lease_ms INT)
RETURNS TABLE (i INT, slot_id BIGINT, wait_ms INT)
LANGUAGE plpgsql AS $$
DECLARE
  t TIMESTAMPTZ;
  free INT;
  w INT;
  k INT;
  s BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(7270736902);
  t := clock_timestamp();
  SELECT p_per_second - count(*) INTO free FROM feishu_send_slot WHERE ends_at > t - INTERVAL '1 second';
  IF p_per_minute > 0 THEN
    SELECT LEAST(free, p_per_minute - count(*)) INTO free FROM feishu_send_slot WHERE ends_at > t - INTERVAL '1 minute';
  END IF;
  k := 1;
  WHILE free > 0 AND k <= COALESCE(array_length(p_recipients, 1), 0) LOOP
    w := feishu_send_wait(t, p_recipients[k], p_per_recipient, 1000);
    IF w > 0 THEN
      RETURN QUERY SELECT k, NULL::BIGINT, w;
    ELSE
      INSERT INTO feishu_send_slot (recipient, granted_at, ends_at)
        VALUES (p_recipients[k], t, t + p_lease_ms * INTERVAL '1 millisecond')
        RETURNING id INTO s;
      RETURN QUERY SELECT k, s, 0;
      free := free - 1;
    END IF;
    k := k + 1;
  END LOOP;
  IF free <= 0 THEN
    w := feishu_send_wait(t, NULL, p_per_second, 1000);
    IF p_per_minute > 0 THEN w := GREATEST(w, feishu_send_wait(t, NULL, p_per_minute, 60000)); END IF;
    RETURN QUERY SELECT NULL::INT, NULL::BIGINT, GREATEST(w, 1);
  END IF;
  IF random() < 0.01 THEN DELETE FROM feishu_send_slot WHERE ends_at < t - INTERVAL '2 minutes'; END IF;
END $$;

-- The response arrived: the slot counts until the window after it. Its end is the earlier of two times that are both
-- no earlier than the response: now, and the grant plus the time the holder measured from sending its request for
-- the slot to the response (its own monotonic clock; the grant came after that request was sent). The second does
-- not count the time this statement took to get here.
CREATE FUNCTION feishu_send_release(p_slot BIGINT, p_elapsed_ms DOUBLE PRECISION) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE feishu_send_slot
     SET ends_at = LEAST(clock_timestamp(), granted_at + p_elapsed_ms * INTERVAL '1 millisecond')
   WHERE id = p_slot;
END $$;

-- The holder is alive and the requests are still in flight: their slots keep counting for another lease.
CREATE FUNCTION feishu_send_renew(p_slots BIGINT[], p_lease_ms INT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE feishu_send_slot SET ends_at = GREATEST(ends_at, clock_timestamp() + p_lease_ms * INTERVAL '1 millisecond')
   WHERE id = ANY (p_slots);
END $$;
