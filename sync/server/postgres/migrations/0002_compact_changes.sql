-- 0002: a compact change feed. Status is a state, not a history: the feed
-- keeps only the latest change of each voucher and of each holder, so it
-- is bounded by the keys ever changed instead of growing forever. A new
-- change replaces the key's row (ON CONFLICT on these indexes) with a new
-- seq; the changes after any cursor stay exactly the keys changed since.

DELETE FROM changes c USING changes d
    WHERE c.voucher IS NOT NULL AND d.voucher = c.voucher AND d.seq > c.seq;
DELETE FROM changes c USING changes d
    WHERE c.holder IS NOT NULL AND d.holder = c.holder AND d.seq > c.seq;

CREATE UNIQUE INDEX changes_voucher ON changes (voucher) WHERE voucher IS NOT NULL;
CREATE UNIQUE INDEX changes_holder ON changes (holder) WHERE holder IS NOT NULL;
