-- The session table was lost: every session is rebuilt from its events.
DROP TABLE session;
