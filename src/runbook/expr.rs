//! `when` expressions on captured values: `STAGE == "inference"`,
//! `LAG > 300 && !DEGRADED`, `POD =~ "api-.*"`. A hand-written tokenizer and
//! recursive-descent parser; the grammar, loosest first:
//!
//! ```text
//! or      := and ("||" and)*
//! and     := unary ("&&" unary)*
//! unary   := "!" unary | "(" or ")" | operand [cmp operand]
//! cmp     := "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~"
//! operand := VAR | "string" | 'string' | number | true | false
//! ```

use std::collections::BTreeMap;

use regex::Regex;

/// Evaluates a `when` expression; an unset variable is an error.
pub fn eval(expr: &str, vars: &BTreeMap<String, String>) -> Result<bool, String> {
    parse(expr)?.eval(vars)
}

/// Checks the syntax only (for `oncall check`).
pub fn validate(expr: &str) -> Result<(), String> {
    parse(expr).map(|_| ())
}

/// The variables an expression reads, sorted and without repeats.
pub fn variables(expr: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    parse(expr)?.collect_vars(&mut out);
    out.sort();
    out.dedup();
    Ok(out)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Op(&'static str),
    LParen,
    RParen,
}

/// Tokens with their 1-based character column, for messages.
fn tokenize(s: &str) -> Result<Vec<(Tok, usize)>, String> {
    const OPS: [&str; 11] = ["==", "!=", "<=", ">=", "=~", "&&", "||", "<", ">", "!", "="];
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == ')' {
            out.push((if c == '(' { Tok::LParen } else { Tok::RParen }, col));
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated string starting at column {col}")),
                    Some(&q) if q == c => break,
                    // `\"` and `\\` escape; any other backslash is kept, so
                    // regexes like "\d+" read as written.
                    Some('\\') if matches!(chars.get(i + 1), Some(&n) if n == c || n == '\\') => {
                        text.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    Some(&ch) => text.push(ch),
                }
                i += 1;
            }
            out.push((Tok::Str(text), col));
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                i += 1;
            }
            out.push((Tok::Num(chars[start..i].iter().collect()), col));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), col));
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let op = OPS
                .iter()
                .find(|op| rest.starts_with(**op))
                .ok_or_else(|| format!("unexpected {c:?} at column {col}"))?;
            if *op == "=" {
                return Err(format!("use == to compare, not = (column {col})"));
            }
            out.push((Tok::Op(op), col));
            i += op.len();
        }
    }
    Ok(out)
}

#[derive(Debug)]
enum Operand {
    Var(String),
    Lit(String),
}

#[derive(Debug)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Bool(bool),
    /// A bare variable: set and non-empty.
    Set(String),
    Cmp(Operand, &'static str, Operand),
    Match(Operand, Regex),
}

/// Nesting deeper than this is surely not a runbook condition, and would
/// risk the stack.
const MAX_DEPTH: usize = 64;

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end_col: usize,
}

fn parse(s: &str) -> Result<Expr, String> {
    let toks = tokenize(s)?;
    if toks.is_empty() {
        return Err("empty expression".into());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end_col: s.chars().count() + 1,
    };
    let e = p.or(0)?;
    match p.toks.get(p.pos) {
        None => Ok(e),
        Some((t, col)) => Err(format!("unexpected {} at column {col}", describe(t))),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) | Tok::Num(s) => format!("{s:?}"),
        Tok::Str(s) => format!("string {s:?}"),
        Tok::Op(o) => format!("{o:?}"),
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |(_, c)| *c)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Op(o)) if *o == op);
        self.pos += usize::from(hit);
        hit
    }

    fn or(&mut self, depth: usize) -> Result<Expr, String> {
        let mut e = self.and(depth)?;
        while self.eat_op("||") {
            e = Expr::Or(Box::new(e), Box::new(self.and(depth)?));
        }
        Ok(e)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, String> {
        let mut e = self.unary(depth)?;
        while self.eat_op("&&") {
            e = Expr::And(Box::new(e), Box::new(self.unary(depth)?));
        }
        Ok(e)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "expression nested too deeply (column {})",
                self.col()
            ));
        }
        if self.eat_op("!") {
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let e = self.or(depth + 1)?;
            if self.peek() != Some(&Tok::RParen) {
                return Err(format!("expected \")\" at column {}", self.col()));
            }
            self.pos += 1;
            return Ok(e);
        }
        let left_col = self.col();
        let left = self.operand()?;
        let op = match self.peek() {
            Some(Tok::Op(o)) if matches!(*o, "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~") => *o,
            _ => {
                return match left {
                    Operand::Var(v) => Ok(Expr::Set(v)),
                    Operand::Lit(l) if l == "true" => Ok(Expr::Bool(true)),
                    Operand::Lit(l) if l == "false" => Ok(Expr::Bool(false)),
                    Operand::Lit(l) => Err(format!(
                        "the literal {l:?} at column {left_col} is not a condition; compare it with a variable"
                    )),
                }
            }
        };
        self.pos += 1;
        if op == "=~" {
            let col = self.col();
            let Some(Tok::Str(re)) = self.peek().cloned() else {
                return Err(format!("=~ needs a quoted regex at column {col}"));
            };
            self.pos += 1;
            let regex = Regex::new(&format!("^(?:{re})$")).map_err(|e| {
                format!(
                    "invalid regex {re:?} at column {col}: {}",
                    last_line(&e.to_string())
                )
            })?;
            return Ok(Expr::Match(left, regex));
        }
        Ok(Expr::Cmp(left, op, self.operand()?))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let col = self.col();
        let op = match self.peek().cloned() {
            Some(Tok::Ident(s)) if s == "true" || s == "false" => Operand::Lit(s),
            Some(Tok::Ident(s)) => Operand::Var(s),
            Some(Tok::Str(s)) | Some(Tok::Num(s)) => Operand::Lit(s),
            Some(t) => {
                return Err(format!(
                    "expected a variable or a value at column {col}, found {}",
                    describe(&t)
                ))
            }
            None => {
                return Err(format!(
                    "expression ends where a variable or value is expected (column {col})"
                ))
            }
        };
        self.pos += 1;
        Ok(op)
    }
}

/// The last non-blank line of a message (serde and regex errors end with the point).
pub(super) fn last_line(s: &str) -> &str {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
}

impl Operand {
    fn value<'a>(&'a self, vars: &'a BTreeMap<String, String>) -> Result<&'a str, String> {
        match self {
            Operand::Lit(l) => Ok(l),
            Operand::Var(v) => vars
                .get(v)
                .map(String::as_str)
                .ok_or_else(|| format!("variable {v} is not set (no step captured it)")),
        }
    }
}

impl Expr {
    fn eval(&self, vars: &BTreeMap<String, String>) -> Result<bool, String> {
        Ok(match self {
            Expr::Or(a, b) => a.eval(vars)? || b.eval(vars)?,
            Expr::And(a, b) => a.eval(vars)? && b.eval(vars)?,
            Expr::Not(e) => !e.eval(vars)?,
            Expr::Bool(b) => *b,
            Expr::Set(v) => vars.get(v).is_some_and(|s| !s.is_empty()),
            Expr::Match(o, re) => re.is_match(o.value(vars)?),
            Expr::Cmp(a, op, b) => compare(a.value(vars)?, op, b.value(vars)?)?,
        })
    }

    fn collect_vars(&self, out: &mut Vec<String>) {
        let mut operand = |o: &Operand| {
            if let Operand::Var(v) = o {
                out.push(v.clone());
            }
        };
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.collect_vars(out);
                b.collect_vars(out);
            }
            Expr::Not(e) => e.collect_vars(out),
            Expr::Bool(_) => {}
            Expr::Set(v) => out.push(v.clone()),
            Expr::Match(o, _) => operand(o),
            Expr::Cmp(a, _, b) => {
                operand(a);
                operand(b);
            }
        }
    }
}

fn compare(a: &str, op: &str, b: &str) -> Result<bool, String> {
    if let (Ok(x), Ok(y)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        return Ok(match op {
            "==" => x == y,
            "!=" => x != y,
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            _ => x >= y,
        });
    }
    match op {
        "==" => Ok(a == b),
        "!=" => Ok(a != b),
        _ => Err(format!("{a:?} {op} {b:?}: ordering needs two numbers")),
    }
}

#[cfg(test)]
#[path = "expr_tests.rs"]
mod tests;
