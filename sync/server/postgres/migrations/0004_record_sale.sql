-- 0004: voids and returns indexed by the sale they act on (same terminal),
-- so that a return reads the sale's earlier returns without reading every
-- record the terminal made since the sale. Existing records are filled in
-- from their JSON body ("voids" or "returns"); a body that is not such a
-- record, or not JSON, stays NULL.

ALTER TABLE records ADD COLUMN sale bigint;

CREATE FUNCTION pg_temp.sale_of(b bytea) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    j jsonb;
BEGIN
    j := convert_from(b, 'UTF8')::jsonb;
    RETURN CASE j->>'kind'
        WHEN 'void' THEN (j->>'voids')::bigint
        WHEN 'return' THEN (j->>'returns')::bigint
    END;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

UPDATE records SET sale = pg_temp.sale_of(body)
    WHERE position('"kind":"void"'::bytea IN body) > 0 OR position('"kind":"return"'::bytea IN body) > 0;

CREATE INDEX records_sale ON records (terminal, sale, seq) WHERE sale IS NOT NULL;
