-- Full-text search over what an agent types into the inbox search: the case
-- id, both order numbers, the customer's name and email, and the claimed
-- products' titles and SKUs. Trigram tokens make any substring of three
-- characters or more an indexed lookup (what LIKE '%…%' did by scanning every
-- case), case-insensitively in every alphabet ("ÅSA" finds "Åsa").
CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize = 'trigram');

-- The searchable text of each case.
CREATE VIEW case_search_text AS
SELECT c.id AS case_id,
       'C-' || c.id || ' ' || o.number || ' ' || COALESCE(o.legacy_number, '') || ' '
         || cu.name || ' ' || cu.email || ' '
         || COALESCE((SELECT group_concat(ol.title || ' ' || ol.sku, ' ')
                      FROM case_lines cl JOIN order_lines ol ON ol.id = cl.order_line_id
                      WHERE cl.case_id = c.id), '') AS body
FROM cases c
JOIN orders o ON o.id = c.order_id
JOIN users cu ON cu.id = c.customer_id;

-- A case is indexed when it is created, and again as its claimed lines are
-- added (they are written after the case row).
CREATE TRIGGER case_search_case AFTER INSERT ON cases BEGIN
    INSERT INTO case_search (rowid, body)
    SELECT case_id, body FROM case_search_text WHERE case_id = NEW.id;
END;
CREATE TRIGGER case_search_line AFTER INSERT ON case_lines BEGIN
    DELETE FROM case_search WHERE rowid = NEW.case_id;
    INSERT INTO case_search (rowid, body)
    SELECT case_id, body FROM case_search_text WHERE case_id = NEW.case_id;
END;

INSERT INTO case_search (rowid, body) SELECT case_id, body FROM case_search_text;
