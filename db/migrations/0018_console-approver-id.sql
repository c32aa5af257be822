-- Up Migration

-- The Slack user id a console account decides approvals as (policy approver groups list Slack
-- ids); without one the account sees no approvals in the console inbox.
ALTER TABLE console_accounts ADD COLUMN approver_id text;

-- What the Slack approval message shows (subject, context, the proposed diff), recorded with the
-- request so the console inbox shows the same without asking the worker. Null for requests
-- posted before this column existed.
ALTER TABLE approval_requests ADD COLUMN summary jsonb;

-- Down Migration

ALTER TABLE approval_requests DROP COLUMN summary;
ALTER TABLE console_accounts DROP COLUMN approver_id;
