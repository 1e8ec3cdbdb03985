-- A later server version names sessions and records more per event.
ALTER TABLE session ADD COLUMN name VARCHAR;
ALTER TABLE session ADD COLUMN sandbox_id VARCHAR;
UPDATE session SET name = 'Protein structure survey', sandbox_id = 'sbx-42'
  WHERE id = '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90';
ALTER TABLE event ADD COLUMN agent_version VARCHAR DEFAULT '0.4.1';
