-- Placeholder for migration 2 (the office column of the outbox and the inbox), which is
-- written on another branch: it keeps the numbering 1, 2, 3 whole so that migration 3 (the
-- staff directories) can be shipped and tested here. Drop this file when merging that one.
SELECT 1;
