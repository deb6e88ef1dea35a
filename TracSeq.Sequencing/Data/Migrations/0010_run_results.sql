-- Run results: what the instrument and the demultiplexer wrote, imported into a run as versions (never updated in
-- place), the reads each library got in each version, library verdicts over all runs, and the run-QC thresholds.

-- A library's reads target (optional: else its expected share of the lanes it is on) and whether it is a negative
-- control (its reads are reported, never judged).
ALTER TABLE libraries
    ADD COLUMN target_reads bigint CHECK (target_reads BETWEEN 1 AND 1000000000000),
    ADD COLUMN negative_control boolean NOT NULL DEFAULT false;

-- Run-QC thresholds, keyed by instrument (TracSeq's identifier), flow-cell type (as RunParameters.xml names it) and
-- read-1 length. Seeded with checkQC's published warning-level defaults; lab administrators replace them (PUT).
CREATE TABLE qc_thresholds (
    instrument                text NOT NULL,
    flowcell_type             text NOT NULL,
    read1_cycles              integer NOT NULL CHECK (read1_cycles BETWEEN 1 AND 1000),
    cluster_pf_millions       double precision NOT NULL CHECK (cluster_pf_millions >= 0),
    q30_percent               double precision NOT NULL CHECK (q30_percent BETWEEN 0 AND 100),
    reads_per_lane_millions   double precision NOT NULL CHECK (reads_per_lane_millions >= 0),
    undetermined_max_percent  double precision NOT NULL DEFAULT 9 CHECK (undetermined_max_percent BETWEEN 0 AND 100),
    PRIMARY KEY (instrument, flowcell_type, read1_cycles)
);

INSERT INTO qc_thresholds (instrument, flowcell_type, read1_cycles, cluster_pf_millions, q30_percent, reads_per_lane_millions) VALUES
    ('NovaSeq6000', 'SP', 51, 325, 90, 243.75), ('NovaSeq6000', 'SP', 101, 325, 85, 243.75),
    ('NovaSeq6000', 'SP', 151, 325, 85, 243.75), ('NovaSeq6000', 'SP', 251, 325, 75, 243.75),
    ('NovaSeq6000', 'S1', 51, 650, 90, 487.5), ('NovaSeq6000', 'S1', 101, 650, 85, 487.5), ('NovaSeq6000', 'S1', 151, 650, 85, 487.5),
    ('NovaSeq6000', 'S2', 51, 1650, 90, 1237.5), ('NovaSeq6000', 'S2', 101, 1650, 85, 1237.5), ('NovaSeq6000', 'S2', 151, 1650, 85, 1237.5),
    ('NovaSeq6000', 'S4', 101, 2000, 85, 1500), ('NovaSeq6000', 'S4', 151, 2000, 85, 1500),
    ('NovaSeqX', '1.5B', 51, 800, 90, 600), ('NovaSeqX', '1.5B', 101, 800, 85, 600), ('NovaSeqX', '1.5B', 151, 800, 85, 600),
    ('NovaSeqX', '10B', 51, 1250, 90, 937.5), ('NovaSeqX', '10B', 101, 1250, 85, 937.5), ('NovaSeqX', '10B', 151, 1250, 85, 937.5),
    ('NovaSeqX', '25B', 151, 3250, 85, 2437.5),
    ('MiSeq', 'v2', 51, 10, 90, 7.5), ('MiSeq', 'v2', 151, 10, 80, 7.5), ('MiSeq', 'v2', 251, 10, 75, 7.5),
    ('MiSeq', 'v3', 76, 18, 85, 13.5), ('MiSeq', 'v3', 151, 18, 80, 13.5), ('MiSeq', 'v3', 301, 18, 70, 13.5),
    ('MiSeq', 'nano v2', 151, 1, 80, 7.5), ('MiSeq', 'nano v2', 251, 1, 75, 7.5),
    ('iSeq100', 'v1', 151, 4, 80, 3),
    ('NextSeq500', 'high', 76, 100, 80, 75), ('NextSeq500', 'high', 151, 100, 75, 75), ('NextSeq500', 'high', 301, 100, 75, 75),
    ('NextSeq500', 'mid', 76, 32, 80, 24), ('NextSeq500', 'mid', 151, 32, 75, 24), ('NextSeq500', 'mid', 301, 32, 75, 24),
    ('NextSeq550', 'high', 76, 100, 80, 75), ('NextSeq550', 'high', 151, 100, 75, 75), ('NextSeq550', 'high', 301, 100, 75, 75),
    ('NextSeq550', 'mid', 76, 32, 80, 24), ('NextSeq550', 'mid', 151, 32, 75, 24), ('NextSeq550', 'mid', 301, 32, 75, 24);
-- checkQC allows more undetermined reads on a MiSeq v3 at 301 cycles.
UPDATE qc_thresholds SET undetermined_max_percent = 14 WHERE instrument = 'MiSeq' AND flowcell_type = 'v3' AND read1_cycles = 301;

-- One version of a run's results: the jobs imported so far (each job's parsed files), the computed document, and
-- the job and files this import brought. A new import of different files makes a new version; nothing changes in place.
CREATE TABLE run_result_versions (
    run_id        uuid NOT NULL REFERENCES runs (id),
    version       integer NOT NULL CHECK (version >= 1),
    job           text NOT NULL,
    fingerprint   text NOT NULL,            -- SHA-256 over the job's files' names and checksums
    files         jsonb NOT NULL,           -- [{name, sha256}] of this import
    jobs          jsonb NOT NULL,           -- the parsed data of every job in this version
    document      jsonb NOT NULL,           -- lanes, libraries, unmatched, findings, warnings
    verdict       text NOT NULL CHECK (verdict IN ('passed', 'top_up', 'failed')),
    imported_by   uuid NOT NULL,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    trace_id      text,
    PRIMARY KEY (run_id, version)
);

-- The reads each library got on each lane of each version: summed over every run's current version for sequencedReads.
CREATE TABLE run_result_library_reads (
    run_id          uuid NOT NULL,
    version         integer NOT NULL,
    lane            smallint NOT NULL,
    library_id      uuid NOT NULL REFERENCES libraries (id),
    reads           bigint NOT NULL,
    expected_reads  double precision NOT NULL,
    PRIMARY KEY (run_id, version, lane, library_id),
    FOREIGN KEY (run_id, version) REFERENCES run_result_versions (run_id, version)
);
CREATE INDEX run_result_library_reads_by_library ON run_result_library_reads (library_id);

-- Each verdict a library was given (the latest is current), with its reason; also written to the library's audit trail.
CREATE TABLE library_verdicts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    library_id       uuid NOT NULL REFERENCES libraries (id),
    run_id           uuid NOT NULL,
    version          integer NOT NULL,
    verdict          text NOT NULL CHECK (verdict IN ('passed', 'top_up', 'failed')),
    reason           text NOT NULL,
    sequenced_reads  bigint NOT NULL,
    target_reads     double precision NOT NULL,
    decided_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX library_verdicts_by_library ON library_verdicts (library_id, id);

CREATE TRIGGER run_result_versions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON run_result_versions
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
CREATE TRIGGER run_result_library_reads_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON run_result_library_reads
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
CREATE TRIGGER library_verdicts_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON library_verdicts
    FOR EACH STATEMENT EXECUTE FUNCTION sequencing_append_only();
