-- JSON columns whose text does not parse, and rows that lost their session.
UPDATE sessions SET config = '{"model": "llama-3.3-70b", "provider": ' WHERE id = 'research_20241202_091500';
UPDATE chat_logs SET metadata = 'confidence=0.8' WHERE id = 3;
UPDATE meetings SET agenda = 'Discuss the download' WHERE id = 2;
INSERT INTO chat_logs (session_id, timestamp, log_type, author, message, metadata) VALUES
  ('research_20241130_deleted', '2024-11-30T10:00:00', 'communication', 'user',
   'A question whose session row was deleted.', NULL);
INSERT INTO agent_activity (session_id, agent_id, timestamp, activity_type, message, status, metadata) VALUES
  ('research_20241130_deleted', 'PI Agent', 'yesterday', 'thinking', 'A time that is not a time', 'idle', NULL);
