//! The SQL every store module builds with: a `WHERE` clause and the values it binds, `IN`
//! lists, the sort direction, `LIKE` and full-text patterns.

use rusqlite::types::Value as Sql;

use crate::api::SortOrder;

pub struct Where {
    pub clauses: Vec<String>,
    pub params: Vec<Sql>,
}

impl Where {
    pub fn push(&mut self, clause: impl Into<String>) {
        self.clauses.push(clause.into());
    }
    pub fn bind(&mut self, v: impl Into<Sql>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }
    /// Like `any_of`, for a column with a `(column, started_at)` index: one value walks that
    /// index in page order; several would need a sort of every match, so then the index is
    /// hidden (`+`) and SQLite walks the sort index, filtering as it goes.
    pub(super) fn any_of_ordered(&mut self, column: &str, values: &[String], by_start: bool) {
        if values.len() > 1 || !by_start {
            self.any_of(&format!("+{column}"), values);
        } else {
            self.any_of(column, values);
        }
    }

    pub fn any_of(&mut self, column: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let marks: Vec<String> = values.iter().map(|v| self.bind(v.clone())).collect();
        self.push(format!("{column} IN ({})", marks.join(", ")));
    }
}

/// `%text%` for `LIKE … ESCAPE '\\'`.
pub fn like_pattern(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// `ASC` or `DESC`.
pub fn dir(order: &SortOrder) -> &'static str {
    if *order == SortOrder::Asc { "ASC" } else { "DESC" }
}

/// `column IN (?, ?)` over any bindable values, binding them in `w`; `None` for no values.
pub fn in_list<T: Clone + Into<rusqlite::types::Value>>(
    w: &mut Where,
    column: &str,
    values: &[T],
) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let marks: Vec<String> = values.iter().map(|v| w.bind(v.clone())).collect();
    Some(format!("{column} IN ({})", marks.join(", ")))
}

/// Adds `column IN (…)` to `w` when there are values.
pub fn any_in<T: Clone + Into<rusqlite::types::Value>>(w: &mut Where, column: &str, values: &[T]) {
    if let Some(c) = in_list(w, column, values) {
        w.push(c);
    }
}

/// The trigram query for a substring (3 characters or more): every trigram must be present;
/// the caller checks the candidates against the text itself.
pub fn trigram_match(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let grams: Vec<String> = chars
        .windows(3)
        .map(|w| format!("\"{}\"", w.iter().collect::<String>().replace('"', "\"\"")))
        .collect();
    Some(grams.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigram_queries_quote_every_gram() {
        assert_eq!(trigram_match("ab"), None);
        assert_eq!(trigram_match("a\"bc").as_deref(), Some("\"a\"\"b\" AND \"\"\"bc\""));
        assert_eq!(trigram_match("rail").as_deref(), Some("\"rai\" AND \"ail\""));
    }
}
