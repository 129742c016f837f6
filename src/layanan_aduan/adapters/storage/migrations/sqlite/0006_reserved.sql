-- Version 6 is assigned to another branch of this release (merged before this one). This file
-- only keeps the numbering of this branch without a gap: delete it when that migration lands.
SELECT 1;
