-- 0005: a return may take back goods of a sale made at another terminal
-- of the store. sale_terminal names the terminal of the sale a void or a
-- return acts on (sale): the record's own terminal for every record stored
-- before (a void, and a return then, acted on a sale of its own terminal),
-- filled in here; the index finds a sale's voids and returns of any
-- terminal.

ALTER TABLE records ADD COLUMN sale_terminal text;

UPDATE records SET sale_terminal = terminal WHERE sale IS NOT NULL;

DROP INDEX records_sale;
CREATE INDEX records_sale ON records (sale_terminal, sale) WHERE sale IS NOT NULL;
