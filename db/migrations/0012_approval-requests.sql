-- Up Migration

-- Each approval request a run posted, with who may decide it, so the admin API can answer a
-- decision as refused (no request open, expired, not an approver, excluded and why) from
-- PostgreSQL alone, without asking the worker. The run stays the final judge; this row only
-- lets the API say no early. `approvers` holds everyone who may decide at some point, the
-- escalation group included (the run judges whether escalation had happened yet).
CREATE TABLE approval_requests (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  workflow_id text NOT NULL,
  run_id      text,
  request_id  text NOT NULL,
  approvers   text[] NOT NULL,
  excluded    jsonb NOT NULL DEFAULT '[]'::jsonb,
  quorum      integer NOT NULL,
  expires_at  timestamptz NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'expired', 'closed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, request_id)
);
-- The latest request of a run (a workflow id is reused when an incident is triaged again).
CREATE INDEX approval_requests_latest ON approval_requests (workflow_id, created_at DESC);

-- Down Migration

DROP TABLE approval_requests;
