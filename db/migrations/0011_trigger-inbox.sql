-- Up Migration

-- Accepted incident events waiting to be handed to their Temporal run. A webhook is answered
-- once its event is here (committed with its replay record and audit event), so the answer
-- never waits on Temporal; a forwarder in the API process starts or signals the runs and
-- deletes what it handed over. A claim is a short lease: rows of a crashed forwarder are
-- picked up again once it lapses.
CREATE TABLE trigger_inbox (
  id            bigserial PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  tenant_slug   text NOT NULL,
  trigger       jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz NOT NULL DEFAULT '-infinity',
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX trigger_inbox_due ON trigger_inbox (claimed_until, id);

-- Down Migration

DROP TABLE trigger_inbox;
