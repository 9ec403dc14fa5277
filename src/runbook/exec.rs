//! Runs a step's command. STUB.
