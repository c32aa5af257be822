-- Up Migration

-- What a write that the provider cannot deduplicate by itself (a Slack post) returned, by its
-- idempotency key: a retried step finds the receipt and answers with it instead of writing again.
CREATE TABLE action_receipts (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  action_id       text NOT NULL,
  output          jsonb NOT NULL,
  fields          jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key)
);

-- Down Migration

DROP TABLE action_receipts;
