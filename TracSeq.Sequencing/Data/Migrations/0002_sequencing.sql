-- Index kits, libraries, pools, runs, QC measurements and the append-only sequencing audit trail.
-- Nothing here is ever deleted through the API: libraries are failed or archived, runs cancelled or failed.

-- Index kits: imported from an Illumina kit file or created as JSON. i5 sequences are kept as the kit gives them
-- (forward strand); the orientation a sample sheet needs is decided when the sheet is written.
CREATE TABLE index_kits (
    id                 uuid PRIMARY KEY,
    name               citext NOT NULL,
    display_name       text,
    version            text,
    strategy           text NOT NULL,
    fixed_layout       boolean NOT NULL,
    adapters           jsonb NOT NULL DEFAULT '{}',
    library_prep_kits  jsonb NOT NULL DEFAULT '[]',
    source             text NOT NULL CHECK (source IN ('file', 'json')),
    created_by         uuid NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT index_kits_name_key UNIQUE (name)
);

CREATE TABLE index_kit_indices (
    kit_id    uuid NOT NULL REFERENCES index_kits (id),
    read      smallint NOT NULL CHECK (read IN (1, 2)),   -- 1 = i7 (Index 1), 2 = i5 (Index 2)
    name      text NOT NULL,
    sequence  text NOT NULL CHECK (sequence ~ '^[ACGT]{4,24}$'),
    position  integer NOT NULL,
    PRIMARY KEY (kit_id, read, name)
);

CREATE TABLE index_kit_wells (
    kit_id   uuid NOT NULL REFERENCES index_kits (id),
    well     text NOT NULL CHECK (well ~ '^[A-P](0[1-9]|1[0-9]|2[0-4])$'),
    i7_name  text NOT NULL,
    i5_name  text,
    PRIMARY KEY (kit_id, well)
);

-- Libraries: made from a sample (which lives in Samples), tagged with one or two indices.
CREATE SEQUENCE library_barcode_seq;

CREATE TABLE libraries (
    id                    uuid PRIMARY KEY,
    barcode               text NOT NULL,
    sample_id             uuid NOT NULL,
    sample_barcode        text NOT NULL,
    sample_project        text,                      -- the sample's project code, for Sample_Project
    name                  text NOT NULL,
    prep_kit              text,
    kit_id                uuid REFERENCES index_kits (id),
    kit_name              text,
    well                  text,
    i7_name               text,
    i5_name               text,
    index1                text NOT NULL CHECK (index1 ~ '^[ACGT]{4,24}$'),
    index2                text CHECK (index2 ~ '^[ACGT]{4,24}$'),
    fragment_size_bp      integer,
    concentration_ng_ul   numeric,
    volume_ul             numeric,
    status                text NOT NULL CHECK (status IN ('active', 'sequenced', 'failed', 'archived')),
    status_reason         text,
    created_by            uuid NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT libraries_barcode_key UNIQUE (barcode)
);
CREATE INDEX libraries_by_sample ON libraries (sample_id);

-- Pools: libraries mixed for loading; a library may be in several pools.
CREATE SEQUENCE pool_barcode_seq;

CREATE TABLE pools (
    id                          uuid PRIMARY KEY,
    barcode                     text NOT NULL,
    name                        text NOT NULL,
    barcode_mismatches_index1   smallint NOT NULL,
    barcode_mismatches_index2   smallint NOT NULL,
    created_by                  uuid NOT NULL,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pools_barcode_key UNIQUE (barcode)
);

CREATE TABLE pool_libraries (
    pool_id     uuid NOT NULL REFERENCES pools (id),
    library_id  uuid NOT NULL REFERENCES libraries (id),
    position    integer NOT NULL,
    PRIMARY KEY (pool_id, library_id)
);
CREATE INDEX pool_libraries_by_library ON pool_libraries (library_id);

-- Runs: pools on the lanes of a flow cell.
CREATE TABLE runs (
    id                          uuid PRIMARY KEY,
    name                        text NOT NULL,
    instrument                  text NOT NULL,
    chemistry                   text,
    flowcell_id                 text NOT NULL,
    read1_cycles                integer NOT NULL,
    read2_cycles                integer NOT NULL,
    index1_cycles               integer NOT NULL,
    index2_cycles               integer NOT NULL,
    barcode_mismatches_index1   smallint NOT NULL,
    barcode_mismatches_index2   smallint NOT NULL,
    status                      text NOT NULL CHECK (status IN ('planned', 'sequencing', 'completed', 'failed', 'cancelled')),
    created_by                  uuid NOT NULL,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE run_lanes (
    run_id   uuid NOT NULL REFERENCES runs (id),
    lane     smallint NOT NULL CHECK (lane BETWEEN 1 AND 8),
    pool_id  uuid NOT NULL REFERENCES pools (id),
    PRIMARY KEY (run_id, lane, pool_id)
);
CREATE INDEX run_lanes_by_pool ON run_lanes (pool_id);

CREATE TABLE run_status_changes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       uuid NOT NULL REFERENCES runs (id),
    from_status  text,
    to_status    text NOT NULL,
    reason       text,
    actor_id     uuid NOT NULL,
    actor_email  text,
    at           timestamptz NOT NULL DEFAULT now(),
    trace_id     text
);
CREATE INDEX run_status_changes_by_run ON run_status_changes (run_id, id);

-- QC: every measurement is a new row; a re-measure adds one, nothing is corrected in place.
CREATE TABLE qc_measurements (
    id           uuid PRIMARY KEY,
    target_kind  text NOT NULL CHECK (target_kind IN ('sample', 'library', 'pool')),
    target_id    uuid NOT NULL,
    type         text NOT NULL,
    measured_at  timestamptz NOT NULL,
    instrument   text,
    results      jsonb NOT NULL DEFAULT '{}',
    outcome      text NOT NULL CHECK (outcome IN ('pass', 'fail', 'borderline')),
    notes        text,
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qc_measurements_by_target ON qc_measurements (target_kind, target_id, measured_at, id);

-- Every write, who did it, when and in which trace: kits imported, libraries made and changed, pools, runs, QC.
CREATE TABLE sequencing_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_kind  text NOT NULL,          -- index_kit, library, pool, run, qc
    entity_id    uuid NOT NULL,
    type         text NOT NULL,          -- created, updated, status_changed, ...
    details      jsonb NOT NULL DEFAULT '{}',
    actor_id     uuid NOT NULL,
    actor_email  text,
    actor_name   text,
    at           timestamptz NOT NULL DEFAULT now(),
    trace_id     text
);
CREATE INDEX sequencing_events_by_entity ON sequencing_events (entity_kind, entity_id, id);

-- The audit tables are append-only: the database itself refuses to change or remove a row.
CREATE FUNCTION sequencing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER qc_measurements_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON qc_measurements
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
CREATE TRIGGER sequencing_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON sequencing_events
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
CREATE TRIGGER run_status_changes_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON run_status_changes
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
