-- A case support registered for a customer (the back-office reclamation
-- flow): who did. NULL for the customer's own reports.
ALTER TABLE cases ADD COLUMN created_by INTEGER REFERENCES users(id);
