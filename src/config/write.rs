//! Writing views back: the file is edited in place with `toml_edit` (comments and layout kept),
//! written to a temporary file beside it and renamed over it, so a crash never leaves half a
//! config. A file that does not parse is never touched.

use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::ViewConfig;

/// A view as the app has it, with the name it has in the file (to keep that table and its
/// comments when it is renamed or changed).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewEntry {
    pub origin: Option<String>,
    pub view: ViewConfig,
}

fn fill(t: &mut Table, v: &ViewConfig) {
    let set = |t: &mut Table, k: &str, val: Option<&str>| match val {
        Some(s) => {
            if t.get(k).and_then(Item::as_str) != Some(s) {
                t[k] = value(s);
            }
        }
        None => {
            t.remove(k);
        }
    };
    set(t, "name", Some(&v.name));
    set(t, "query", Some(&v.query));
    set(t, "sort", v.sort.as_deref());
    set(t, "order", v.order.as_deref());
    match &v.columns {
        Some(c) => {
            let arr: toml_edit::Array = c.iter().map(String::as_str).collect();
            t["columns"] = value(arr);
        }
        None => {
            t.remove("columns");
        }
    }
}

/// Replaces the views of `profile` (or the top-level views) with `entries`, in that order.
pub fn save_views(path: &Path, profile: Option<&str>, entries: &[ViewEntry]) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!(
            "{} is not valid TOML ({}); it was left as it is",
            path.display(),
            e.message().trim()
        )
    })?;
    let container: &mut Table = match profile {
        Some(name) => {
            let profiles = doc
                .get_mut("profiles")
                .and_then(Item::as_array_of_tables_mut)
                .ok_or_else(|| format!("{} has no [[profiles]] named `{name}`", path.display()))?;
            profiles
                .iter_mut()
                .find(|t| t.get("name").and_then(Item::as_str) == Some(name))
                .ok_or_else(|| format!("{} has no [[profiles]] named `{name}`", path.display()))?
        }
        None => doc.as_table_mut(),
    };
    let old: Vec<Table> = container
        .get("views")
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().cloned().collect())
        .unwrap_or_default();
    // The document is written in the order of its tables' positions, not of the array: the
    // views take the places the old ones had, in their new order (a new view after the last).
    let mut places: Vec<isize> = old.iter().filter_map(Table::position).collect();
    places.sort_unstable();
    let mut views = ArrayOfTables::new();
    for (i, e) in entries.iter().enumerate() {
        // Reuse the table the view came from, with its comments.
        let mut t = e
            .origin
            .as_deref()
            .and_then(|o| {
                old.iter().find(|t| t.get("name").and_then(Item::as_str) == Some(o)).cloned()
            })
            .unwrap_or_default();
        fill(&mut t, &e.view);
        if let Some(&p) = places.get(i).or(places.last()) {
            t.set_position(p);
        }
        views.push(t);
    }
    container.insert("views", Item::ArrayOfTables(views));
    write_atomically(path, &doc.to_string())
}

/// Writes `text` to a temporary file in the same directory, then renames it over `path`
/// (keeping the old file's permissions), so a crash never leaves half a file.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let tmp = temporary(path, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    tmp.persist(path).map_err(|e| format!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// Writes `text` to `path` the same way, but only when no file is there: `Ok(false)` when
/// one is (it is left as it is).
pub fn write_new(path: &Path, text: &str) -> Result<bool, String> {
    match temporary(path, text)?.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(format!("cannot write {}: {}", path.display(), e.error)),
    }
}

/// `text` in a temporary file beside `path` (its directory created), on disk.
fn temporary(path: &Path, text: &str) -> Result<tempfile::NamedTempFile, String> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Only Unix changes it: Windows has no modes (the file takes the folder's access list).
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut b = tempfile::Builder::new();
    // A new config gets the usual permissions (the umask's), not a temporary file's 0600.
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp =
        b.tempfile_in(dir).map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(tmp)
}
