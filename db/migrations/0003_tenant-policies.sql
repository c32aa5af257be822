-- Up Migration

-- Every revision of a tenant's policy document is kept; the highest revision is in force.
-- Runs record the revision they were planned under, so a decision can be explained later.
CREATE TABLE tenant_policies (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  revision   integer NOT NULL CHECK (revision >= 1),
  document   jsonb NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, revision)
);

-- Down Migration
DROP TABLE tenant_policies;
