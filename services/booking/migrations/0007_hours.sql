-- A unit's hours (issue 15): regeneration reads every slot of a unit over the horizon, live, blocked and withdrawn
-- alike (adapters/hours.py, slots_between), and the bookings to move are those on a unit's withdrawn slots. The
-- search index (slots_search) holds only live, open slots, so neither could use it.
CREATE INDEX slots_unit_start ON slots (unit, start_at);
