-- Up Migration

-- People who sign in to a tenant's admin console. Passwords are stored only as scrypt hashes
-- (console/password.ts); the e-mail is kept lower-case, one account per address and tenant.
CREATE TABLE console_accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email         text NOT NULL CHECK (email = lower(email)),
  role          text NOT NULL CHECK (role IN ('admin', 'approver', 'viewer')),
  password_hash text NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);

-- Signed-in sessions. Only a hash of the session id (the HttpOnly cookie) is kept, so a copy of
-- this table signs nobody in. The CSRF token is derived from the session id (api/console/).
CREATE TABLE console_sessions (
  id_hash       bytea PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES console_accounts (id) ON DELETE CASCADE,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Down Migration

DROP TABLE console_sessions;
DROP TABLE console_accounts;
