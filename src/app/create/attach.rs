//! The form's attachments: paths typed (or pasted) into one field, looked at by the event
//! loop at `ctrl-s` (`Effect::CheckFiles`) so a missing file is found before the run exists,
//! then uploaded to the new run one after the other by the upload prompt, with its progress
//! and its failures.

use crate::app::upload::effective_path;

/// The paths in the field: separated by spaces, a path with a space in `"…"`. No backslash
/// escapes, so a Windows path (`C:\data\photo.jpg`) reads as typed. `~` and `//` read as the
/// upload prompt reads them.
pub(crate) fn paths(text: &str, home: Option<&str>) -> Vec<String> {
    let (mut out, mut word, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => out.push(std::mem::take(&mut word)),
            c => word.push(c),
        }
    }
    out.push(word);
    out.iter().filter(|w| !w.is_empty()).map(|w| effective_path(w, home)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_on_spaces_and_quotes_keep_one_whole() {
        assert_eq!(paths("a.jpg  /tmp/b.pdf", None), ["a.jpg", "/tmp/b.pdf"]);
        assert_eq!(paths("\"my photo.jpg\" c.txt", None), ["my photo.jpg", "c.txt"]);
        assert_eq!(paths(r"C:\data\x.jpg", None), [r"C:\data\x.jpg"]);
        assert_eq!(paths("~/x.txt", Some("/home/op")), ["/home/op/x.txt"]);
        assert!(paths("   ", None).is_empty());
    }
}
