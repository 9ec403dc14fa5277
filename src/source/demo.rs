//! The built-in demo scenario.
