//! A filter's value as a form field holds it, and back. In the form a value is typed as it is:
//! `PCB Functional` needs no quotes, because the field already says which filter it is. Only a
//! value that holds a comma, starts with a quote or has spaces at its ends is quoted there (the
//! comma separates values). Free words are taken literally, word by word. The query line, where
//! a space ends a clause, gets the quoting it needs, so form → line → form gives back any value.

use super::filters::{Filter, Kind};
use super::{quote_value, quote_word};

/// How a list item shows in a form field.
pub(crate) fn item(s: &str, serial: bool) -> String {
    let needs_quotes = s.is_empty()
        || s.contains(',')
        || s.starts_with('"')
        || s.trim() != s
        || (serial && s.ends_with('*'));
    if needs_quotes { super::quoted(s) } else { s.to_string() }
}

/// One item of a field's text: its text, whether it was quoted, and (serial) whether an
/// unquoted `*` ended it.
struct Item {
    text: String,
    quoted: bool,
}

/// Splits a field's text at commas, honouring quotes. `None` when a quote is never closed or
/// is followed by something other than a comma (the line's parser then says where).
fn items(text: &str) -> Option<Vec<Item>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => s.push(chars.next()?),
                    c => s.push(c),
                }
            }
            // `"SN 00"*`: a quoted prefix pattern keeps its star outside the quotes.
            if chars.peek() == Some(&'*') {
                chars.next();
                s.push('*');
                out.push(Item { text: s, quoted: false });
            } else {
                out.push(Item { text: s, quoted: true });
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            match chars.next() {
                None => return Some(out),
                Some(',') => continue,
                Some(_) => return None,
            }
        }
        let mut s = String::new();
        while let Some(c) = chars.next_if(|c| *c != ',') {
            s.push(c);
        }
        let s = s.trim();
        if !s.is_empty() {
            out.push(Item { text: s.to_string(), quoted: false });
        }
        if chars.next().is_none() {
            return Some(out);
        }
    }
}

impl Filter {
    /// The field's value as the form shows it (without the prefix, without the line's quotes).
    pub fn form_value(&self, q: &super::RunQuery) -> String {
        match &self.kind {
            Kind::Strings { get, .. } | Kind::Names { get, .. } => {
                get(q).iter().map(|s| item(s, false)).collect::<Vec<_>>().join(",")
            }
            Kind::Serial => {
                let mut v: Vec<String> = q.serials.iter().map(|s| item(s, true)).collect();
                if let Some(p) = &q.serial_prefix {
                    v.push(format!("{}*", item(p, false)));
                }
                v.join(",")
            }
            Kind::Search => q.search.join(" "),
            _ => self.value(q),
        }
    }

    /// The line a form field's text stands for.
    pub(crate) fn clause_from_text(&self, text: &str) -> String {
        let t = text.trim();
        if t.is_empty() {
            return String::new();
        }
        let listed = |serial: bool| {
            let Some(items) = items(t) else { return format!("{}{t}", self.prefix) };
            let line = items
                .iter()
                .map(|i| match i.text.strip_suffix('*') {
                    Some(p) if serial && !i.quoted => format!("{}*", quote_value(p, false)),
                    _ => quote_value(&i.text, serial && i.text.ends_with('*')),
                })
                .collect::<Vec<_>>()
                .join(",");
            if line.is_empty() { line } else { format!("{}{line}", self.prefix) }
        };
        match &self.kind {
            Kind::Strings { .. } | Kind::Names { .. } => listed(false),
            Kind::Serial => listed(true),
            Kind::Search => t.split_whitespace().map(quote_word).collect::<Vec<_>>().join(" "),
            _ if self.prefix.is_empty() => t.to_string(),
            _ => format!("{}{t}", self.prefix),
        }
    }
}
