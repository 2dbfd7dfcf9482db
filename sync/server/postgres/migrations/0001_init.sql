-- 0001: the first schema. Every table is the storage's own record type:
-- columns, not the API's JSON. Signed bytes (ledger entries, documents)
-- are kept exactly as signed.

CREATE TABLE meta (
    id           int PRIMARY KEY CHECK (id = 1),
    epoch        text NOT NULL,
    change_seq   bigint NOT NULL DEFAULT 0, -- last change feed seq, taken under the ledger lock
    incident_seq bigint NOT NULL DEFAULT 0  -- last incident id, taken under the ledger lock
);
INSERT INTO meta (id, epoch) VALUES (1, md5(random()::text || clock_timestamp()::text));

-- The deployment is the server's configuration (campaigns, units, issuer
-- keys, catalogue): one document that changes rarely and always whole.
CREATE TABLE deployment (
    id   int PRIMARY KEY CHECK (id = 1),
    body jsonb NOT NULL
);

CREATE TABLE documents (
    id                int PRIMARY KEY CHECK (id = 1),
    trust             bytea NOT NULL,
    trust_seq         bigint NOT NULL,
    catalogue         bytea NOT NULL,
    catalogue_version bigint NOT NULL
);

CREATE TABLE serials (
    campaign int PRIMARY KEY,
    last     bigint NOT NULL
);

-- One row per member and campaign: the row lock that makes the cap hold
-- under concurrent issuance from several instances.
CREATE TABLE holder_issued (
    campaign int NOT NULL,
    holder   bytea NOT NULL,
    issued   bigint NOT NULL,
    PRIMARY KEY (campaign, holder)
);

CREATE TABLE issued (
    id        bigint PRIMARY KEY,
    campaign  int NOT NULL,
    member    text NOT NULL,
    holder    bytea NOT NULL,
    unit      bigint NOT NULL,
    value     bigint NOT NULL,
    issued_at timestamptz NOT NULL,
    code      text NOT NULL
);
CREATE INDEX issued_holder ON issued (campaign, holder);

CREATE TABLE terminals (
    id           text PRIMARY KEY,
    store        text NOT NULL,
    name         text NOT NULL,
    state        text NOT NULL,
    public       bytea,
    hostname     text NOT NULL DEFAULT '',
    created      timestamptz NOT NULL,
    code_expires timestamptz,
    enrolled     timestamptz
);

CREATE TABLE enroll_codes (
    hash     bytea PRIMARY KEY,
    terminal text NOT NULL REFERENCES terminals (id),
    expires  timestamptz NOT NULL
);
CREATE INDEX enroll_codes_terminal ON enroll_codes (terminal);

CREATE TABLE heads (
    terminal  text PRIMARY KEY,
    seq       bigint NOT NULL,
    hash      bytea NOT NULL,
    records   int NOT NULL,
    last_seen timestamptz NOT NULL
);

-- The ledger: exactly-once by (terminal, seq) and by the entry hash.
CREATE TABLE records (
    terminal  text NOT NULL,
    seq       bigint NOT NULL,
    body      bytea NOT NULL,
    hash      bytea NOT NULL,
    sig       bytea NOT NULL,
    result    text NOT NULL,
    reason    text NOT NULL DEFAULT '',
    detail    text NOT NULL DEFAULT '',
    received  timestamptz NOT NULL,
    sale_time timestamptz, -- the record's own time, for reports by day
    PRIMARY KEY (terminal, seq),
    UNIQUE (terminal, hash)
);
CREATE INDEX records_sale_time ON records (sale_time);

-- Claims on a voucher, first first. At most one live counted claim per
-- voucher: the unique voucher-redemption key. A second claim (a double
-- spend) is kept as evidence, not counted.
CREATE TABLE claims (
    voucher  bigint NOT NULL,
    idx      int NOT NULL,
    terminal text NOT NULL,
    store    text NOT NULL,
    seq      bigint NOT NULL,
    receipt  text NOT NULL,
    time     timestamptz NOT NULL,
    voided   boolean NOT NULL,
    counted  boolean NOT NULL,
    PRIMARY KEY (voucher, idx)
);
CREATE UNIQUE INDEX claims_redemption ON claims (voucher) WHERE counted AND NOT voided;

CREATE TABLE voucher_status (
    voucher bigint PRIMARY KEY,
    status  smallint NOT NULL
);

CREATE TABLE redeemed (
    campaign int NOT NULL,
    holder   bytea NOT NULL,
    total    bigint NOT NULL,
    PRIMARY KEY (campaign, holder)
);

CREATE TABLE suspended (
    holder    bytea PRIMARY KEY,
    suspended boolean NOT NULL
);

CREATE TABLE changes (
    seq       bigint PRIMARY KEY,
    voucher   bigint,
    status    smallint,
    holder    bytea,
    suspended boolean NOT NULL DEFAULT false
);

CREATE TABLE incidents (
    id       bigint PRIMARY KEY,
    time     timestamptz NOT NULL,
    kind     text NOT NULL,
    reason   text NOT NULL,
    terminal text NOT NULL,
    store    text NOT NULL,
    seq      bigint NOT NULL,
    voucher  bigint NOT NULL,
    holder   bytea NOT NULL,
    amount   bigint NOT NULL,
    detail   text NOT NULL
);
CREATE INDEX incidents_voucher ON incidents (voucher);

CREATE TABLE incident_claims (
    incident bigint NOT NULL REFERENCES incidents (id),
    idx      int NOT NULL,
    terminal text NOT NULL,
    store    text NOT NULL,
    seq      bigint NOT NULL,
    receipt  text NOT NULL,
    time     timestamptz NOT NULL,
    voided   boolean NOT NULL,
    counted  boolean NOT NULL,
    PRIMARY KEY (incident, idx)
);
