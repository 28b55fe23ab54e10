-- Evidence (domain/evidence.rs): each picture's fingerprint, a 64-bit
-- perceptual hash (fingerprint.rs), with its four 16-bit quarters each
-- indexed: two fingerprints at most 3 bits apart share at least one
-- quarter, so finding the pictures near one reads a few rows, never the
-- whole table. PDFs and files that do not decode have none.
CREATE TABLE photo_fingerprints (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id),
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    hash INTEGER NOT NULL,
    band0 INTEGER NOT NULL,
    band1 INTEGER NOT NULL,
    band2 INTEGER NOT NULL,
    band3 INTEGER NOT NULL
);
CREATE INDEX photo_fingerprints_band0 ON photo_fingerprints(marketplace_id, band0);
CREATE INDEX photo_fingerprints_band1 ON photo_fingerprints(marketplace_id, band1);
CREATE INDEX photo_fingerprints_band2 ON photo_fingerprints(marketplace_id, band2);
CREATE INDEX photo_fingerprints_band3 ON photo_fingerprints(marketplace_id, band3);

-- Which case a matching picture came with: looked up by the file.
CREATE INDEX case_photos_attachment ON case_photos(attachment_id);
CREATE INDEX message_attachments_attachment ON message_attachments(attachment_id);
