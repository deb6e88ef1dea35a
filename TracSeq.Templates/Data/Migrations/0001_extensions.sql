-- Case-insensitive text for template names and column keys.
CREATE EXTENSION IF NOT EXISTS citext;
