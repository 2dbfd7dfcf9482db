-- 0003: incidents for review by day, store and status. An administrator
-- closes a case (resolved, resolution); the evidence columns never change.
-- The indexes serve the admin's filtered pages (ORDER BY id after a cursor):
-- a day is a time range, a store its own index, open cases a partial index.

ALTER TABLE incidents ADD COLUMN resolved timestamptz;
ALTER TABLE incidents ADD COLUMN resolution text NOT NULL DEFAULT '';

CREATE INDEX incidents_time ON incidents (time, id);
CREATE INDEX incidents_store ON incidents (store, id);
CREATE INDEX incidents_open ON incidents (id) WHERE resolved IS NULL;
