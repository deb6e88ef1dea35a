-- Projects: the unit of ownership and visibility. Every sample belongs to exactly one; facility staff see all of
-- them, everyone else only the projects they are a member of (Projects/).
CREATE TABLE projects (
    id          uuid PRIMARY KEY,
    code        text        NOT NULL CHECK (length(code) BETWEEN 1 AND 50),
    name        text        NOT NULL,
    description text,
    cost_code   text,
    archived    boolean     NOT NULL DEFAULT false,   -- read-only from then on; projects are never deleted
    created_by  uuid,                                 -- null for the projects the migration made
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_code_key UNIQUE (code),
    -- The target of samples' (project_id, project_code): a sample's code can never disagree with its project's.
    CONSTRAINT projects_id_code_key UNIQUE (id, code)
);

CREATE TABLE project_members (
    project_id uuid        NOT NULL REFERENCES projects (id),
    user_id    uuid        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
    added_by   uuid        NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
-- A user's memberships, read on the first request of each user per replica (the membership cache).
CREATE INDEX project_members_by_user ON project_members (user_id);

-- The audit of every project change, grant and removal, with who did it. Append-only like sample_events.
CREATE TABLE project_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  uuid        NOT NULL REFERENCES projects (id),
    type        text        NOT NULL,                 -- created, updated, archived, member_added, member_changed, member_removed, sample_moved_in, sample_moved_out
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid        NOT NULL,
    actor_email text,
    actor_name  text,
    user_id     uuid,                                 -- the member a membership event is about
    changes     jsonb       NOT NULL DEFAULT '[]',    -- [{field, old, new}]
    trace_id    text
);
CREATE INDEX project_events_by_project ON project_events (project_id, at, id);

CREATE FUNCTION project_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'project_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER project_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON project_events
    FOR EACH STATEMENT EXECUTE FUNCTION project_events_are_append_only();

-- The free-text project values become projects, owned by no one until staff name an owner; samples without one go
-- to UNASSIGNED (staff only). The value becomes the code as it was: it may be older than the rule for new codes.
INSERT INTO projects (id, code, name)
SELECT gen_random_uuid(), code, code
FROM (SELECT DISTINCT project_code AS code FROM samples WHERE project_code IS NOT NULL
      UNION SELECT 'UNASSIGNED') AS codes;

INSERT INTO project_events (project_id, type, actor_id, actor_name, changes)
SELECT id, 'created', '00000000-0000-0000-0000-000000000000', 'migration 0022',
       jsonb_build_array(jsonb_build_object('field', 'code', 'old', NULL, 'new', code))
FROM projects;

UPDATE samples SET project_code = 'UNASSIGNED' WHERE project_code IS NULL;
ALTER TABLE samples ADD COLUMN project_id uuid;
UPDATE samples s SET project_id = p.id FROM projects p WHERE p.code = s.project_code;
ALTER TABLE samples ALTER COLUMN project_id SET NOT NULL,
                    ALTER COLUMN project_code SET NOT NULL,
                    ADD CONSTRAINT samples_project_fkey FOREIGN KEY (project_id, project_code)
                        REFERENCES projects (id, code) ON UPDATE CASCADE;
-- Lists of a member's samples filter on the project first.
CREATE INDEX samples_by_project_id ON samples (project_id, created_at DESC);

DO $$
BEGIN
    IF to_regprocedure('public.tracseq_seal_append_only(regclass)') IS NOT NULL THEN
        PERFORM public.tracseq_seal_append_only('project_events');
    END IF;
END $$;
