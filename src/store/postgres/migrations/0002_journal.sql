-- Incidents and their events: append-only rows, in the store's order (seq).
-- An event's body is the same JSON the state dir's journal lines hold.
CREATE TABLE incidents (
    id          text PRIMARY KEY,
    declared_at timestamptz NOT NULL
);

CREATE TABLE incident_events (
    seq         bigserial PRIMARY KEY,
    incident_id text NOT NULL REFERENCES incidents (id),
    event_id    text NOT NULL,
    body        jsonb NOT NULL,
    UNIQUE (incident_id, event_id)
);
-- A write sent again is found by its first event's id.
CREATE INDEX incident_events_event_id ON incident_events (event_id);

-- What `oncall stats` counts: fires and acks, once each (by kind and key).
CREATE TABLE activity (
    seq  bigserial PRIMARY KEY,
    kind text NOT NULL,
    key  text NOT NULL,
    body jsonb NOT NULL,
    UNIQUE (kind, key)
);
