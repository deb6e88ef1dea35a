-- The event log belongs to a role nobody logs in as; this service keeps only SELECT and INSERT on it, so even SQL run
-- with its own login cannot rewrite, delete or truncate events, nor drop the append-only trigger. The function is
-- created by the AppHost (as superuser) in every service database; a database set up otherwise keeps the trigger only.
DO $$
BEGIN
    IF to_regprocedure('public.tracseq_seal_append_only(regclass)') IS NOT NULL THEN
        PERFORM public.tracseq_seal_append_only('auth_events');
    END IF;
END $$;
