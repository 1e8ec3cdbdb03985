-- An ~/.ai_research_lab/data/research_sessions.db as the seed 000 app writes it
-- (Python sqlite3, datetime.now().isoformat() and CURRENT_TIMESTAMP times,
-- JSON columns as text). tests/lab-legacy-fixtures.c runs it through SQLite.
PRAGMA foreign_keys = OFF;

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    research_question TEXT,
    config TEXT,
    results TEXT,
    logs TEXT,
    metadata TEXT
);

CREATE TABLE metrics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL,
    cpu_usage REAL,
    memory_usage REAL,
    active_agents INTEGER,
    session_id TEXT,
    FOREIGN KEY (session_id) REFERENCES sessions (id)
);

CREATE TABLE chat_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    log_type TEXT NOT NULL,
    author TEXT NOT NULL,
    message TEXT NOT NULL,
    metadata TEXT,
    FOREIGN KEY (session_id) REFERENCES sessions (id)
);

CREATE TABLE agent_activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    message TEXT,
    status TEXT,
    metadata TEXT,
    FOREIGN KEY (session_id) REFERENCES sessions (id)
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    meeting_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    participants TEXT,
    topic TEXT,
    agenda TEXT,
    transcript TEXT,
    outcomes TEXT,
    metadata TEXT,
    FOREIGN KEY (session_id) REFERENCES sessions (id)
);

CREATE INDEX idx_chat_logs_session ON chat_logs (session_id);
CREATE INDEX idx_metrics_timestamp ON metrics (timestamp);
CREATE INDEX idx_agent_activity_session ON agent_activity (session_id);

-- A completed session with every kind of row.
INSERT INTO sessions VALUES (
  'research_20241201_143022', '2024-12-01T14:30:22.123456', '2024-12-01T15:02:10.654321',
  'completed',
  'How does sparse attention affect retrieval accuracy on long contexts (over 100k tokens)?',
  '{"model": "llama-3.3-70b", "provider": "venice", "max_agents": 4, "agents": ["PI Agent", "Scientific Critic", "ML Engineer"]}',
  '{"summary": "Block-sparse attention keeps 97% of dense accuracy at 128k tokens.", "accuracy": {"dense": 0.912, "sparse": 0.884}}',
  '["session started", "meeting 1 finished", "session completed"]',
  '{"title": "Sparse attention for long-context retrieval", "keywords": ["attention", "retrieval", "long-context"], "participants": ["Ada Chen", "PI Agent", "Scientific Critic", "ML Engineer"], "priority": 2}');

-- A failed session: non-ASCII text, no metadata, a config without a model.
INSERT INTO sessions VALUES (
  'research_20241202_091500', '2024-12-02T09:15:00.000001', '2024-12-02T09:47:13.5',
  'failed',
  'Können Diffusionsmodelle Klimadaten zuverlässig herunterskalieren? 🌍 Vergleich mit ERA5.',
  '{"max_agents": 2, "temperature": 0.7}', NULL, NULL, NULL);

-- A session written with SQLite's CURRENT_TIMESTAMP form, metrics only.
INSERT INTO sessions VALUES (
  'research_20241203_160000', '2024-12-03 16:00:00', '2024-12-03 16:45:00',
  'active', 'Tokenizer efficiency of byte-level BPE on code', '{}', '{}', '[]',
  '["a list, not an object"]');

INSERT INTO chat_logs (session_id, timestamp, log_type, author, message, metadata) VALUES
  ('research_20241201_143022', '2024-12-01T14:30:22.500000', 'system', 'system',
   'Research session started with 3 agents.', NULL),
  ('research_20241201_143022', '2024-12-01T14:30:40.000000', 'communication', 'user',
   'Compare block-sparse and sliding-window attention on NarrativeQA at 128k tokens.',
   '{"channel": "ui"}'),
  ('research_20241201_143022', '2024-12-01T14:31:02.250000', 'thought', 'PI Agent',
   'We need a dense baseline first; sparse patterns only make sense against it.',
   '{"confidence": 0.8}'),
  ('research_20241201_143022', '2024-12-01T14:31:30.000000', 'tool_call', 'ML Engineer',
   'web_search',
   '{"tool_name": "web_search", "arguments": {"query": "block-sparse attention long context 2024"}, "tool_call_id": "call_7f3a"}'),
  ('research_20241201_143022', '2024-12-01T14:32:05.000000', 'choice', 'PI Agent',
   'Go with BigBird-style block sparsity, block size 64.', '{"options": ["sliding", "block", "random"]}'),
  ('research_20241201_143022', '2024-12-01T14:40:00.000000', 'communication', 'Scientific Critic',
   'The "97%" claim needs confidence intervals:
three seeds are not enough.', NULL),
  ('research_20241201_143022', '2024-12-01T15:02:00.000000', 'summary', 'PI Agent',
   'Final answer: block-sparse attention keeps 97% of dense accuracy.', '{"final": true}'),
  ('research_20241202_091500', '2024-12-02T09:15:30.000000', 'communication', 'User',
   'Bitte mit CRPS auswerten.', NULL),
  ('research_20241202_091500', '2024-12-02T09:47:13.000000', 'system', 'system',
   'Session failed: the ERA5 download timed out.', '{"error": "timeout"}');

INSERT INTO metrics (timestamp, cpu_usage, memory_usage, active_agents, session_id) VALUES
  ('2024-12-01T14:35:00.000000', 42.5, 61.25, 3, 'research_20241201_143022'),
  ('2024-12-01T14:50:00.000000', 88.0, 70.0, 3, 'research_20241201_143022'),
  ('2024-12-03 16:10:00', 12.0, 33.3, 1, 'research_20241203_160000'),
  ('2024-12-03 16:20:00', 15, 34, 1, 'research_20241203_160000'),
  (1733063422.5, 5.5, 20.0, 0, NULL);

INSERT INTO agent_activity (session_id, agent_id, timestamp, activity_type, message, status, metadata) VALUES
  ('research_20241201_143022', 'PI Agent', '2024-12-01T14:31:00.000000', 'thinking',
   'Planning the comparison', 'active', '{"step": 1}'),
  ('research_20241201_143022', 'ML Engineer', '2024-12-01T14:31:31.000000', 'tool_use',
   'web_search', 'completed', NULL),
  ('research_20241201_143022', 'Scientific Critic', '2024-12-01T14:39:00.000000', 'speaking',
   NULL, 'idle', NULL),
  ('research_20241202_091500', 'PI Agent', '2024-12-02T09:20:00.000000', 'meeting',
   'Team meeting about the ERA5 pipeline', 'completed', '{"meeting": "m-2"}');

INSERT INTO meetings (session_id, meeting_id, timestamp, participants, topic, agenda, transcript, outcomes, metadata) VALUES
  ('research_20241201_143022', 'meeting_1', '2024-12-01T14:33:00.000000',
   '["PI Agent", "Scientific Critic", "ML Engineer"]', 'Choosing the sparsity pattern',
   '["baselines", "sparsity patterns", "evaluation"]',
   'PI Agent: We start with the dense baseline.
Scientific Critic: Agreed, with three seeds at least.',
   '{"decision": "block-sparse", "next": ["run dense", "run sparse"]}', '{"duration_s": 420}'),
  ('research_20241202_091500', 'meeting_2', '2024-12-02T09:20:00.000000',
   '[{"name": "PI Agent", "role": "lead"}, {"name": "Data Engineer"}]', 'ERA5 pipeline',
   '["ERA5 download", "retries"]', 'Short meeting.', NULL, NULL);
