-- Events for webhooks, written in the same transaction as the change they report (TracSeq.ServiceDefaults.Outbox).
-- The relay deletes a row once the webhook hub has it; what stays here is not yet handed on.
CREATE TABLE outbox (
    id           uuid PRIMARY KEY,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    project_code text,
    data         jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_created_at ON outbox (created_at, id);
