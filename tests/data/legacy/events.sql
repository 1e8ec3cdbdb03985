-- An agent server's events.db as seed 003's server (SQLAlchemy on SQLite)
-- writes it: UUID ids, utcnow() times without a zone, JSON payloads
-- {"type": ..., "content": {...}}. tests/lab-legacy-fixtures.c runs it
-- through SQLite and makes the workspace/<session>/ folders beside it.
CREATE TABLE session (
	id VARCHAR(36) NOT NULL,
	workspace_dir VARCHAR NOT NULL,
	created_at DATETIME,
	device_id VARCHAR,
	PRIMARY KEY (id),
	UNIQUE (workspace_dir)
);

CREATE TABLE event (
	id VARCHAR(36) NOT NULL,
	session_id VARCHAR(36) NOT NULL,
	timestamp DATETIME,
	event_type VARCHAR NOT NULL,
	event_payload JSON NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE
);

INSERT INTO session VALUES
  ('5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '/var/data/workspace/5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90',
   '2025-05-20 10:15:30.123456', 'device-7f2c'),
  ('9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c', '/var/data/workspace/9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c',
   '2025-05-21 08:00:00.000000', NULL),
  ('e1d2c3b4-a5f6-4789-8abc-def012345678', '/var/data/workspace/e1d2c3b4-a5f6-4789-8abc-def012345678',
   '2025-05-22 17:45:10.5', 'device-7f2c');

-- Session 1: a full agent run.
INSERT INTO event VALUES
  ('0a000001-0000-4000-8000-000000000001', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:15:30.200000',
   'connection_established', '{"type": "connection_established", "content": {"message": "Connected to Agent WebSocket Server", "workspace_path": "/var/data/workspace/5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90"}}'),
  ('0a000001-0000-4000-8000-000000000002', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:15:31.000000',
   'agent_initialized', '{"type": "agent_initialized", "content": {"message": "Agent initialized", "model_name": "claude-3-7-sonnet"}}'),
  ('0a000001-0000-4000-8000-000000000003', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:16:02.000000',
   'user_message', '{"type": "user_message", "content": {"text": "Find recent papers on protein structure prediction and summarise them in a table with links.\nFocus on 2024-2025.", "files": ["uploaded_files/notes.pdf"], "resume": false}}'),
  ('0a000001-0000-4000-8000-000000000004', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:16:03.000000',
   'processing', '{"type": "processing", "content": {"message": "Processing your request..."}}'),
  ('0a000001-0000-4000-8000-000000000005', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:16:05.500000',
   'agent_thinking', '{"type": "agent_thinking", "content": {"text": "I should search for AlphaFold 3 and its successors first."}}'),
  ('0a000001-0000-4000-8000-000000000006', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:16:06.000000',
   'tool_call', '{"type": "tool_call", "content": {"tool_call_id": "toolu_01A", "tool_name": "web_search", "tool_input": {"query": "protein structure prediction 2025 review"}}}'),
  ('0a000001-0000-4000-8000-000000000007', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:16:09.000000',
   'tool_result', '{"type": "tool_result", "content": {"tool_call_id": "toolu_01A", "tool_name": "web_search", "result": "1. AlphaFold 3 (Nature, 2024)\n2. Boltz-1 (2024)\n3. Chai-1 (2024)"}}'),
  ('0a000001-0000-4000-8000-000000000008', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:17:00.000000',
   'tool_call', '{"type": "tool_call", "content": {"tool_call_id": "toolu_02B", "tool_name": "str_replace_editor", "tool_input": {"command": "create", "path": "report.md", "file_text": "# Protein structure prediction"}}}'),
  ('0a000001-0000-4000-8000-000000000009', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:17:01.000000',
   'tool_result', '{"type": "tool_result", "content": {"tool_call_id": "toolu_02B", "tool_name": "str_replace_editor", "result": {"ok": true, "path": "report.md"}}}'),
  ('0a000001-0000-4000-8000-000000000010', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:17:01.500000',
   'file_edit', '{"type": "file_edit", "content": {"path": "report.md", "content": "# Protein structure prediction", "total_lines": 1}}'),
  ('0a000001-0000-4000-8000-000000000011', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:18:20.000000',
   'agent_response', '{"type": "agent_response", "content": {"text": "Here is the table: AlphaFold 3, Boltz-1 and Chai-1 lead the field. The full report is in report.md."}}'),
  ('0a000001-0000-4000-8000-000000000012', '5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90', '2025-05-20 10:18:21.000000',
   'stream_complete', '{"type": "stream_complete", "content": {}}');

-- Session 2: a run that hit an error and was interrupted.
INSERT INTO event VALUES
  ('0b000002-0000-4000-8000-000000000001', '9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c', '2025-05-21 08:00:05.000000',
   'user_message', '{"type": "user_message", "content": {"text": "Plot the GDP of the G7 countries since 1990 as a PNG."}}'),
  ('0b000002-0000-4000-8000-000000000002', '9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c', '2025-05-21 08:00:09.000000',
   'error', '{"type": "error", "content": {"message": "Rate limit exceeded, retrying in 20 s"}}'),
  ('0b000002-0000-4000-8000-000000000003', '9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c', '2025-05-21 08:01:00.000000',
   'agent_response_interrupted', '{"type": "agent_response_interrupted", "content": {"text": "Interrupted by the user"}}'),
  ('0b000002-0000-4000-8000-000000000004', '9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c', '2025-05-21 08:01:01.000000',
   'system', '{"type": "system", "content": {"message": "Session ended"}}');

-- Session 3: connected but never asked anything.
INSERT INTO event VALUES
  ('0c000003-0000-4000-8000-000000000001', 'e1d2c3b4-a5f6-4789-8abc-def012345678', '2025-05-22 17:45:11.000000',
   'connection_established', '{"type": "connection_established", "content": {"message": "Connected"}}'),
  ('0c000003-0000-4000-8000-000000000002', 'e1d2c3b4-a5f6-4789-8abc-def012345678', '2025-05-22 17:45:12.000000',
   'workspace_info', '{"type": "workspace_info", "content": {"path": "/var/data/workspace/e1d2c3b4-a5f6-4789-8abc-def012345678"}}');

-- Events of a session whose row was lost (the table has no foreign keys on).
INSERT INTO event VALUES
  ('0d000004-0000-4000-8000-000000000001', 'f0f0f0f0-0000-4000-8000-00000000dead', '2025-05-19 12:00:00',
   'user_message', '{"type": "user_message", "content": {"text": "What changed in SQLite 3.45?"}}');
