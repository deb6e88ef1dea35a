-- Failed sign-ins (and wrong current passwords) counted per e-mail address, whether or not an account has it: an
-- unknown address then locks exactly like a real one, so lockout does not tell which accounts exist.
CREATE TABLE login_failures (
    email           citext PRIMARY KEY,
    failed_count    integer NOT NULL,
    first_failed_at timestamptz NOT NULL,
    locked_until    timestamptz
);
CREATE INDEX login_failures_stale ON login_failures (first_failed_at);
