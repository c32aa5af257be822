-- Up Migration

-- A triage workflow id is reused when an incident is triaged again after its run closed, so a
-- write is one run's write: (workflow id, run id, action, field). Rows written before this
-- migration keep an empty run id.
ALTER TABLE write_log ADD COLUMN run_id text NOT NULL DEFAULT '';
ALTER TABLE write_log DROP CONSTRAINT write_log_workflow_action_field_key;
ALTER TABLE write_log ADD CONSTRAINT write_log_run_action_field_key UNIQUE (workflow_id, run_id, action, field);

-- Down Migration

ALTER TABLE write_log DROP CONSTRAINT write_log_run_action_field_key;
DELETE FROM write_log a USING write_log b
  WHERE a.workflow_id = b.workflow_id AND a.action = b.action AND a.field = b.field AND a.id < b.id;
ALTER TABLE write_log ADD CONSTRAINT write_log_workflow_action_field_key UNIQUE (workflow_id, action, field);
ALTER TABLE write_log DROP COLUMN run_id;
