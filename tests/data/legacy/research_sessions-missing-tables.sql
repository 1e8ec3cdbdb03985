-- An older version of the app had no meetings and no metrics yet.
DROP TABLE meetings;
DROP TABLE metrics;
