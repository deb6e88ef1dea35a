-- The projects a submission's rows name (codes as Samples knows them, fixed once a project has samples). A member
-- sees a submission when every project it names is theirs; one naming none (made before projects, or refused before
-- any row named one) only its submitter and facility staff see.
ALTER TABLE submissions ADD COLUMN project_codes text[] NOT NULL DEFAULT '{}';
CREATE INDEX submissions_by_project ON submissions USING gin (project_codes);
