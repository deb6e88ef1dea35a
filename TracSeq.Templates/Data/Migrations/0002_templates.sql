-- Templates (versioned; a lineage groups the versions of one template), their fields, and submissions.

CREATE TABLE templates (
    id           uuid PRIMARY KEY,
    lineage_id   uuid NOT NULL,            -- the id of version 1; every later version carries it
    version      integer NOT NULL CHECK (version >= 1),
    name         citext NOT NULL,
    description  text,
    category     text,
    status       text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    CONSTRAINT templates_lineage_version_key UNIQUE (lineage_id, version)
);
-- At most one draft and one published version per lineage: "new version" and "publish" rely on it under concurrency.
CREATE UNIQUE INDEX templates_one_draft_per_lineage ON templates (lineage_id) WHERE status = 'draft';
CREATE UNIQUE INDEX templates_one_published_per_lineage ON templates (lineage_id) WHERE status = 'published';
CREATE INDEX templates_by_name ON templates (name);

CREATE TABLE template_fields (
    template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    position    integer NOT NULL,          -- column order in the blank sheet
    key         citext NOT NULL,           -- the column header
    label       text,
    type        text NOT NULL CHECK (type IN ('text', 'integer', 'decimal', 'date', 'boolean', 'select', 'multiselect')),
    required    boolean NOT NULL DEFAULT false,
    options     text[] NOT NULL DEFAULT '{}',
    min         numeric,
    max         numeric,
    max_length  integer,
    pattern     text,
    unit        text,
    maps_to     text,
    PRIMARY KEY (template_id, position),
    CONSTRAINT template_fields_key UNIQUE (template_id, key)
);

-- The record of each spreadsheet upload. A row is written before Samples is called, so a crash or an outage
-- leaves a 'failed' (or 'processing') record, never a commit nobody knows about.
CREATE TABLE submissions (
    id               uuid PRIMARY KEY,
    template_id      uuid NOT NULL REFERENCES templates (id),
    template_version integer NOT NULL,
    submitted_by     uuid NOT NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    file_name        text NOT NULL,
    dry_run          boolean NOT NULL,
    outcome          text NOT NULL CHECK (outcome IN ('processing', 'accepted', 'rejected', 'dry_run', 'failed')),
    rows             integer NOT NULL DEFAULT 0,
    accepted         integer NOT NULL DEFAULT 0,
    rejected         integer NOT NULL DEFAULT 0,
    errors           jsonb NOT NULL DEFAULT '[]',
    errors_omitted   integer NOT NULL DEFAULT 0,
    sample_ids       uuid[] NOT NULL DEFAULT '{}',
    failure          text,
    idempotency_key  text,
    request_hash     bytea NOT NULL,
    CONSTRAINT submissions_idempotency_key UNIQUE (submitted_by, idempotency_key)
);
CREATE INDEX submissions_by_user ON submissions (submitted_by, submitted_at DESC);
CREATE INDEX submissions_by_time ON submissions (submitted_at DESC);
