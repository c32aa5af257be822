-- Up Migration

-- Shared limiter state per tenant and connector, so every worker process draws from the same
-- budget when calling a customer's SaaS instance (ratelimit/limiter-store.ts owns the SQL).
-- One row holds all three limits on purpose: a single INSERT ... ON CONFLICT DO UPDATE locks
-- the row and decides rate, concurrency and provider back-pressure together, so concurrent
-- callers in several processes can neither over-spend tokens nor over-fill the lease set.
--   tokens, refilled_at: token bucket; the tokens held at refilled_at (refill is computed from
--     the elapsed time on each acquire). refilled_at may lie in the future after a throttle:
--     the bucket then starts refilling only once the provider's wait is over.
--   blocked_until: "do not call before", from a provider's 429 Retry-After or reset header.
--   leases: in-flight calls, lease id -> expiry in epoch milliseconds. Expired entries are
--     pruned on the next acquire, so a crashed worker's lease lapses on its own.
--   updated_at: database time of the last decision (also the "now" acquire reports back).
CREATE TABLE connector_rate_limits (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector     text NOT NULL,
  tokens        double precision NOT NULL CHECK (tokens >= 0),
  refilled_at   timestamptz NOT NULL,
  blocked_until timestamptz,
  leases        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(leases) = 'object'),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connector)
);

-- Down Migration
DROP TABLE connector_rate_limits;
