//! `when` expressions on captured values. STUB.

use std::collections::BTreeMap;

/// Evaluates a `when` expression; an unset variable is an error.
pub fn eval(expr: &str, vars: &BTreeMap<String, String>) -> Result<bool, String> {
    let _ = (expr, vars);
    Err("not implemented".into())
}

/// Checks the syntax only (for `oncall check`).
pub fn validate(expr: &str) -> Result<(), String> {
    let _ = expr;
    Ok(())
}
