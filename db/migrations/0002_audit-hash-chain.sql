-- Up Migration

-- Tamper evidence for the audit trail: each event stores the hash of the previous event of its
-- chain (one chain per tenant, plus a "global" chain for events without a tenant) and its own
-- hash over that and its content. The hashes are computed by the application (db/audit-chain.ts
-- documents the format), so here they are only stored and shape-checked.
ALTER TABLE audit_events
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text;

-- Rows written before this migration were never hashed and keep NULLs: they form an unverified
-- prefix of their chain, and the first hashed event of each chain starts from the genesis hash
-- (64 zeros). NOT VALID exempts exactly those rows; every row inserted from now on must carry
-- both hashes (a CHECK on NULL would pass, hence the explicit IS NOT NULL).
ALTER TABLE audit_events
  ADD CONSTRAINT audit_events_hash_check CHECK (
    prev_hash IS NOT NULL AND hash IS NOT NULL
    AND prev_hash ~ '^[0-9a-f]{64}$' AND hash ~ '^[0-9a-f]{64}$'
  ) NOT VALID;

-- The latest event of each chain. Appenders lock the chain's row (SELECT ... FOR UPDATE) for
-- the whole append, which serialises appends to one chain on every PostgreSQL, and the
-- verifier compares the chain's end with it, which reveals events removed from the end.
-- chain_key: the tenant id as text, or 'global'.
CREATE TABLE audit_chain_heads (
  chain_key text PRIMARY KEY,
  last_id   bigint,
  last_hash text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$')
);

-- Chains with pre-existing (unhashed) events end, so far, at their last such event.
INSERT INTO audit_chain_heads (chain_key, last_id, last_hash)
SELECT COALESCE(tenant_id::text, 'global'), max(id), repeat('0', 64)
FROM audit_events
GROUP BY tenant_id;

-- A head only ever moves forward along its chain: no deletes, no renames, no going back.
CREATE FUNCTION audit_chain_heads_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Nested, because NEW and OLD are only both set for UPDATE (SQL does not short-circuit).
  IF TG_OP = 'UPDATE' THEN
    IF NEW.chain_key = OLD.chain_key AND NEW.last_id IS NOT NULL
       AND (OLD.last_id IS NULL OR NEW.last_id > OLD.last_id) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_chain_heads only moves forward: this % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_chain_heads_forward_only
  BEFORE UPDATE OR DELETE ON audit_chain_heads
  FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_guard();

CREATE TRIGGER audit_chain_heads_no_truncate
  BEFORE TRUNCATE ON audit_chain_heads
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_guard();

-- Down Migration

DROP TABLE audit_chain_heads;
DROP FUNCTION audit_chain_heads_guard();
ALTER TABLE audit_events
  DROP CONSTRAINT audit_events_hash_check,
  DROP COLUMN hash,
  DROP COLUMN prev_hash;
