-- Samples, their storage locations, the append-only audit trail and idempotency records.

-- Storage: a tree of rooms, freezers, fridges, shelves, racks and boxes; only boxes have rows × columns positions.
CREATE SEQUENCE storage_location_barcode_seq;

CREATE TABLE storage_locations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    barcode     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('room', 'freezer', 'fridge', 'shelf', 'rack', 'box')),
    temperature numeric,                                    -- °C
    parent_id   uuid REFERENCES storage_locations (id),
    rows        integer CHECK (rows BETWEEN 1 AND 26),      -- A..Z
    columns     integer CHECK (columns BETWEEN 1 AND 99),
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT storage_locations_barcode_key UNIQUE (barcode),
    CONSTRAINT storage_locations_box_size CHECK ((kind = 'box') = (rows IS NOT NULL AND columns IS NOT NULL)),
    CONSTRAINT storage_locations_not_own_parent CHECK (parent_id <> id)
);
CREATE INDEX storage_locations_by_parent ON storage_locations (parent_id);

-- "Room 101 > Freezer A > Rack 2 > Box 7": walks up from one location (the API prevents cycles).
CREATE FUNCTION storage_location_path(location uuid) RETURNS text LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT id, parent_id, name, 0 AS depth FROM storage_locations WHERE id = location
        UNION ALL
        SELECT p.id, p.parent_id, p.name, up.depth + 1 FROM storage_locations p JOIN up ON p.id = up.parent_id
    )
    SELECT string_agg(name, ' > ' ORDER BY depth DESC) FROM up
$$;

-- A location and everything below it (for occupancy and the locationId filter).
CREATE FUNCTION storage_location_subtree(location uuid) RETURNS TABLE (id uuid) LANGUAGE sql STABLE AS $$
    WITH RECURSIVE down AS (
        SELECT l.id FROM storage_locations l WHERE l.id = location
        UNION ALL
        SELECT c.id FROM storage_locations c JOIN down ON c.parent_id = down.id
    )
    SELECT down.id FROM down
$$;

-- Generated barcodes TS-{TYPE}-{yyMMdd}-{n:D5} take n from here, so they are unique without a lookup.
CREATE SEQUENCE sample_barcode_seq;

CREATE TABLE samples (
    id               uuid PRIMARY KEY,
    barcode          text NOT NULL,
    name             text NOT NULL,
    sample_type      text NOT NULL CHECK (sample_type IN ('dna', 'rna', 'blood', 'saliva', 'tissue', 'cells', 'plasma', 'other')),
    status           text NOT NULL CHECK (status IN ('pending', 'received', 'validated', 'in_storage', 'in_sequencing',
                                                     'completed', 'archived', 'rejected', 'failed', 'discarded')),
    project_code     text,
    submission_id    uuid,
    template_id      uuid,
    template_version integer,
    volume           numeric,                               -- µL
    concentration    numeric,                               -- ng/µL
    quality_score    numeric,
    collected_at     timestamptz,
    received_at      timestamptz,
    notes            text,
    metadata         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    location_id      uuid REFERENCES storage_locations (id),
    position         text,
    created_by       uuid NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,            -- bumped by every change; the ETag
    CONSTRAINT samples_barcode_key UNIQUE (barcode),
    -- One sample per box position, enforced here so two concurrent placements cannot both win. NULL positions
    -- (samples not in a box) never collide.
    CONSTRAINT samples_one_per_position UNIQUE (location_id, position),
    CONSTRAINT samples_position_needs_location CHECK (position IS NULL OR location_id IS NOT NULL)
);

-- How full a location is: positions of the boxes at or below it, how many hold a sample, and how many samples
-- sit anywhere at or below it (non-box places hold samples without a position).
CREATE FUNCTION storage_location_occupancy(location uuid, OUT capacity bigint, OUT occupied bigint, OUT samples bigint)
    LANGUAGE sql STABLE AS $$
    WITH tree AS (SELECT id FROM storage_location_subtree(location))
    SELECT (SELECT coalesce(sum(l.rows * l.columns), 0)::bigint FROM storage_locations l JOIN tree t ON t.id = l.id WHERE l.kind = 'box'),
           (SELECT count(*) FROM samples s JOIN tree t ON t.id = s.location_id WHERE s.position IS NOT NULL),
           (SELECT count(*) FROM samples s JOIN tree t ON t.id = s.location_id)
$$;

-- What the free-text q searches: barcode, name, project code and the metadata values (not their keys).
CREATE FUNCTION sample_search_text(barcode text, name text, project_code text, metadata jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT barcode || ' ' || name || ' ' || coalesce(project_code, '') || ' ' ||
           jsonb_path_query_array(metadata, 'strict $.*')::text
$$;

CREATE INDEX samples_search ON samples USING gin (sample_search_text(barcode, name, project_code, metadata) gin_trgm_ops);
CREATE INDEX samples_by_created ON samples (created_at DESC, id);
CREATE INDEX samples_by_status ON samples (status, created_at DESC);
CREATE INDEX samples_by_type ON samples (sample_type, created_at DESC);
CREATE INDEX samples_by_project ON samples (project_code) WHERE project_code IS NOT NULL;
CREATE INDEX samples_by_submission ON samples (submission_id) WHERE submission_id IS NOT NULL;

-- The audit trail. One row per create, edit, status change, move and removal, written in the same transaction.
CREATE TABLE sample_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sample_id   uuid NOT NULL REFERENCES samples (id),
    type        text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid NOT NULL,
    actor_email text,
    actor_name  text,
    from_status text,
    to_status   text,
    changes     jsonb NOT NULL DEFAULT '[]',                -- [{field, old, new}]
    reason      text,
    location    jsonb,                                      -- where the sample is after the event
    trace_id    text
);
CREATE INDEX sample_events_by_sample ON sample_events (sample_id, at, id);

-- The audit trail is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION sample_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sample_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER sample_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON sample_events
    FOR EACH STATEMENT EXECUTE FUNCTION sample_events_are_append_only();

-- Idempotency-Key: the first successful answer, written in the same transaction as what it created, so a retry
-- replays it and a concurrent duplicate waits on the primary key and then replays it too.
CREATE TABLE idempotency_records (
    scope        text NOT NULL,                             -- which operation
    owner_id     uuid NOT NULL,                             -- the caller, or the nil uuid for keys that are global
    key          text NOT NULL,
    request_hash bytea NOT NULL,                            -- SHA-256 of the request; another request under the same key is refused
    status_code  integer,
    response     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, owner_id, key)
);
