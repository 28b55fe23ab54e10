-- Who uploaded an attachment: until it is attached to a message or note,
-- only its uploader may see or attach it.
ALTER TABLE attachments ADD COLUMN uploaded_by INTEGER REFERENCES users(id);
