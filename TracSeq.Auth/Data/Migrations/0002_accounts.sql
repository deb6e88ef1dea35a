-- Accounts, sessions (refresh tokens), signing keys and the auth event log.

CREATE TABLE users (
    id                    uuid PRIMARY KEY,
    email                 citext NOT NULL UNIQUE,
    display_name          text NOT NULL,
    role                  text NOT NULL CHECK (role IN ('guest', 'data_analyst', 'research_scientist',
                                                        'lab_technician', 'principal_investigator', 'lab_administrator')),
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash         text NOT NULL,
    token_version         integer NOT NULL DEFAULT 0, -- bumped to void every access token issued before (claim "ver")
    failed_login_count    integer NOT NULL DEFAULT 0,
    first_failed_login_at timestamptz,
    locked_until          timestamptz,
    last_login_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- One row per refresh token; a family is one sign-in and every token rotated from it.
CREATE TABLE refresh_tokens (
    id             uuid PRIMARY KEY,
    family_id      uuid NOT NULL,
    user_id        uuid NOT NULL REFERENCES users (id),
    token_hash     bytea NOT NULL UNIQUE,            -- SHA-256 of the token; the token itself is never stored
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text,                             -- rotated | logout | reuse_detected | password_changed | user_disabled
    replaced_by    uuid REFERENCES refresh_tokens (id)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_active_by_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- Access-token signing keys (ES256), created at first start so tokens survive restarts of Auth.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    algorithm   text NOT NULL,
    private_key bytea NOT NULL,                      -- PKCS#8
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);

CREATE TABLE auth_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type       text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    uuid REFERENCES users (id),
    email      citext,
    actor_id   uuid,
    ip         text,
    user_agent text,
    trace_id   text,
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX auth_events_by_user ON auth_events (user_id, at DESC);

-- The event log is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION auth_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'auth_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER auth_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON auth_events
    FOR EACH STATEMENT EXECUTE FUNCTION auth_events_are_append_only();
