-- Issue 15: values within the ledger's limits (ledger/domain/limits.py).
-- A count is at most 10^12, but a tally adds counts up, and no sum of valid counts may overflow:
-- tally cells hold HUGEINT (up to 1.7 x 10^38; 10^26 figures at the limit would be needed), where
-- BIGINT overflowed at 9.2 million of them. Women and children are counts with the same limit,
-- past INTEGER's 2.1 x 10^9: BIGINT, like every other count of a figure.
-- The read model starts afresh after a new migration, so no derived row is converted.

DROP VIEW top_tallies;
ALTER TABLE tallies ALTER low TYPE HUGEINT;
ALTER TABLE tallies ALTER best TYPE HUGEINT;
ALTER TABLE tallies ALTER high TYPE HUGEINT;
ALTER TABLE tallies ALTER unattributed TYPE HUGEINT;
CREATE VIEW top_tallies AS SELECT * FROM tallies WHERE top;

ALTER TABLE figures ALTER women TYPE BIGINT;
ALTER TABLE figures ALTER children TYPE BIGINT;
