-- Page claims: one row per escalation level key (a claim, its hold, its
-- outcome so far), and every attempt to deliver it.
CREATE TABLE page_claims (
    key          text PRIMARY KEY,
    claimant     text,
    claimed_at   timestamptz,
    -- Until when the claimant holds it without having delivered it.
    hold_until   timestamptz,
    delivered_at timestamptz,
    failures     integer NOT NULL DEFAULT 0,
    last_reason  text
);

CREATE TABLE page_attempts (
    id       bigserial PRIMARY KEY,
    key      text NOT NULL REFERENCES page_claims (key),
    at       timestamptz NOT NULL,
    by_name  text NOT NULL,
    outcome  text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
    reason   text
);

-- Who pages for the team: one row, renewed by the engine holding it.
CREATE TABLE engine_lease (
    id         integer PRIMARY KEY CHECK (id = 1),
    holder     text NOT NULL,
    hold_until timestamptz NOT NULL
);
