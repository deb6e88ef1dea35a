-- A library belongs to its sample's project (Samples' projects.id), copied onto it when it is made so that a
-- member's list filters on an indexed column here instead of asking Samples per row. Libraries made before projects
-- existed have none (null): they are the facility's (staff only) until staff make them again or file them
-- (docs/roles.md). Not a foreign key: projects live in Samples' database.
ALTER TABLE libraries ADD COLUMN project_id uuid;
CREATE INDEX libraries_by_project ON libraries (project_id, created_at DESC);
