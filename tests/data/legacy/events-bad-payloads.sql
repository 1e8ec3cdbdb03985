-- Payloads that do not parse: cut off, and not JSON at all.
UPDATE event SET event_payload = '{"type": "agent_response", "content": {"text": "Here is the tab'
  WHERE id = '0a000001-0000-4000-8000-000000000011';
UPDATE event SET event_payload = 'Rate limit exceeded' WHERE id = '0b000002-0000-4000-8000-000000000002';
