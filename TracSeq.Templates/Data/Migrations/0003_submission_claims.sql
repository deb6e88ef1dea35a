-- When a submission was last claimed for processing (first upload, or a retry taking it over). A claim older than
-- the processing lease belongs to a processor that died (Templates or its database went down between the claim and
-- the outcome); the next retry with the same key takes it over instead of being told "still processing" forever.
ALTER TABLE submissions ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();
