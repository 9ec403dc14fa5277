//! One-shot commands (`oncall alerts`, ...).
pub mod alerts;
