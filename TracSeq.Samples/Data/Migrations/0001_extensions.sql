-- Trigram indexes for free-text search over barcodes, names, project codes and metadata.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
