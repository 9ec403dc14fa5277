//! One-shot commands (`oncall alerts`, ...).
