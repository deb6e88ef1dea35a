-- Case-insensitive text for index kit names (a kit name is imported once, whatever its case).
CREATE EXTENSION IF NOT EXISTS citext;
