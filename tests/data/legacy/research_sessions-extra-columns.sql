-- A newer version of the app added columns the mapping does not know.
ALTER TABLE sessions ADD COLUMN owner TEXT;
ALTER TABLE sessions ADD COLUMN budget_usd REAL;
UPDATE sessions SET owner = 'ada', budget_usd = 12.5 WHERE id = 'research_20241201_143022';
ALTER TABLE chat_logs ADD COLUMN tokens INTEGER;
ALTER TABLE chat_logs ADD COLUMN attachment BLOB;
UPDATE chat_logs SET tokens = length (message);
UPDATE chat_logs SET attachment = x'00ff10' WHERE id = 2;
