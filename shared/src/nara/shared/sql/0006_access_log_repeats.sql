-- A list a page refreshes (the console's queue) is logged once per staff member, row and window: this index
-- answers "has this person seen this resource lately" without reading all their recent rows.
CREATE INDEX access_log_staff_resource_read_at ON access_log (staff_id, resource, read_at);
