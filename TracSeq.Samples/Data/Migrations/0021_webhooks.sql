-- The webhook hub (Webhooks/): subscriptions, every event once (by the id its service gave it), one delivery per
-- event and matching subscription, and each attempt at a delivery.
CREATE TABLE webhook_subscriptions (
    id                         uuid PRIMARY KEY,
    url                        text        NOT NULL,
    events                     text[]      NOT NULL,
    project_code               text,
    description                text,
    secret                     bytea       NOT NULL, -- AES-GCM sealed (WebhookSecrets); never answered after creation
    previous_secret            bytea,                -- still signing until previous_secret_expires_at (rotation)
    previous_secret_expires_at timestamptz,
    enabled                    boolean     NOT NULL DEFAULT true,
    disabled_reason            text,
    failing_since              timestamptz,          -- first failed attempt since the last success
    created_by                 uuid        NOT NULL,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_events (
    id           uuid PRIMARY KEY,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    project_code text,
    body         text        NOT NULL, -- the exact bytes signed and sent: {"type","timestamp","data"}
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_received_at ON webhook_events (received_at);

-- id orders a subscription's deliveries: only its oldest pending one is ever sent (in order, one in flight).
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL REFERENCES webhook_events (id),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_finished_at ON webhook_deliveries (finished_at) WHERE status <> 'pending';

CREATE TABLE webhook_delivery_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    duration_ms  integer     NOT NULL,
    error        text
);
CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id);
