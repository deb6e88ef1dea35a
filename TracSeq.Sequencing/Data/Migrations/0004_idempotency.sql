-- Idempotency-Key on library, pool, run and QC creates (ServiceDefaults' IdempotencyRecords, as in Samples): the key
-- is claimed in the transaction that does the work and the answer stored before commit, so a retried POST replays
-- the first answer and creates nothing.
CREATE TABLE idempotency_records (
    scope        text NOT NULL,                             -- which operation (library.create, pool.create, ...)
    owner_id     uuid NOT NULL,                             -- the caller: keys are per user
    key          text NOT NULL,
    request_hash bytea NOT NULL,                            -- SHA-256 of the request; another request under the same key is refused
    status_code  integer,
    response     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, owner_id, key)
);
