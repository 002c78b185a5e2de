//! Splits a query line into terms: `key<op>value[,value…]` or a bare word, with byte spans so
//! errors can point at the offending word. Double quotes group spaces and commas; `\"` and
//! `\\` escape inside them.

use super::QueryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Colon,
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
    Tilde,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Colon => ":",
            Op::Eq => "=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Tilde => "~",
        }
    }
}

/// One value of a term, unquoted, with whether it was quoted (quoting forces a string).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    pub text: String,
    pub quoted: bool,
    pub span: (usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Term {
    Filter(Clause),
    Word(Value),
}

/// `key<op>value[,value…]`, with the spans of its key and of the whole clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub key: String,
    pub key_span: (usize, usize),
    pub op: Op,
    pub values: Vec<Value>,
    pub span: (usize, usize),
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Reads one quoted string starting at the opening quote; returns the text and the index just
/// after the closing quote.
fn quoted(s: &str, start: usize) -> Result<(String, usize), QueryError> {
    let mut out = String::new();
    let mut chars = s[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, start + 1 + i + 1)),
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(QueryError::new(start, s.len(), "this quote is never closed; add a closing \""))
}

/// Reads a value list (`a,b,"c d"`) from `pos` up to the next unquoted space.
fn values(s: &str, mut pos: usize) -> Result<(Vec<Value>, usize), QueryError> {
    let mut out = Vec::new();
    loop {
        let start = pos;
        let rest = &s[pos..];
        if rest.starts_with('"') {
            let (text, end) = quoted(s, pos)?;
            out.push(Value { text, quoted: true, span: (start, end) });
            pos = end;
        } else {
            let len = rest.find([' ', '\t', ',', '"']).unwrap_or(rest.len());
            out.push(Value {
                text: rest[..len].to_string(),
                quoted: false,
                span: (start, start + len),
            });
            pos += len;
        }
        match s[pos..].chars().next() {
            Some(',') => pos += 1,
            None | Some(' ' | '\t') => return Ok((out, pos)),
            Some(c) => {
                return Err(QueryError::new(
                    start,
                    pos + c.len_utf8(),
                    "a quoted value must end the word or be followed by a comma",
                ));
            }
        }
    }
}

pub(crate) fn terms(s: &str) -> Result<Vec<Term>, QueryError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < s.len() {
        let rest = &s[pos..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        let start = pos;
        let key_len = rest.find(|c: char| !is_key_char(c)).unwrap_or(rest.len());
        let after = &rest[key_len..];
        let op = if key_len == 0 {
            None
        } else if after.starts_with(">=") {
            Some((Op::Ge, 2))
        } else if after.starts_with("<=") {
            Some((Op::Le, 2))
        } else {
            match after.chars().next() {
                Some(':') => Some((Op::Colon, 1)),
                Some('=') => Some((Op::Eq, 1)),
                Some('>') => Some((Op::Gt, 1)),
                Some('<') => Some((Op::Lt, 1)),
                Some('~') => Some((Op::Tilde, 1)),
                _ => None,
            }
        };
        match op {
            Some((op, op_len)) => {
                let vstart = pos + key_len + op_len;
                let (vals, end) = values(s, vstart)?;
                out.push(Term::Filter(Clause {
                    key: rest[..key_len].to_string(),
                    key_span: (start, start + key_len),
                    op,
                    values: vals,
                    span: (start, end),
                }));
                pos = end;
            }
            None if c == '"' => {
                let (text, end) = quoted(s, pos)?;
                if let Some(c) = s[end..].chars().next().filter(|c| !c.is_whitespace()) {
                    return Err(QueryError::new(
                        start,
                        end + c.len_utf8(),
                        "put a space after a quoted word",
                    ));
                }
                out.push(Term::Word(Value { text, quoted: true, span: (start, end) }));
                pos = end;
            }
            None => {
                let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let word = &rest[..len];
                if word.contains('"') {
                    return Err(QueryError::new(
                        start,
                        start + len,
                        "a quote can only start a word or a value; quote the whole word",
                    ));
                }
                out.push(Term::Word(Value {
                    text: word.to_string(),
                    quoted: false,
                    span: (start, start + len),
                }));
                pos += len;
            }
        }
    }
    Ok(out)
}
