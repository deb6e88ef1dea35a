-- The audit trail, QC measurements, run status history and run results belong to a role nobody logs in as; this
-- service keeps only SELECT and INSERT on them, so even SQL run with its own login cannot rewrite, delete or truncate
-- them, nor drop their append-only triggers. The function is created as superuser in every service database (by the
-- AppHost locally, by the tracseq-postgres-seal Job on Kubernetes); a database set up otherwise keeps the triggers only.
-- Numbered after every migration that creates or alters these tables: DbUp applies scripts in name order, and a table
-- must exist to be sealed (as 0003 this met run_result_versions before 0010 created it, and Sequencing never started);
-- a later migration cannot ALTER a sealed table, since this service no longer owns it.
DO $$
DECLARE t text;
BEGIN
    IF to_regprocedure('public.tracseq_seal_append_only(regclass)') IS NOT NULL THEN
        FOREACH t IN ARRAY ARRAY['sequencing_events', 'qc_measurements', 'run_status_changes',
                                 'run_result_versions', 'run_result_library_reads', 'library_verdicts']
        LOOP
            PERFORM public.tracseq_seal_append_only(t::regclass);
        END LOOP;
    END IF;
END $$;
