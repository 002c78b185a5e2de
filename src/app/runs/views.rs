//! Views: tabs of filtered run lists. The active view's list is `RunsPane::list`; the others
//! keep theirs here and go on loading (and, in live mode, polling) in the background.
//! `:w NAME`, `:rename`, `:delete` and `:move` change them and write them to the config file.

use super::RunsPane;
use super::list::{ListState, Pending};
use crate::api::{SortBy, SortOrder, WireEnum};
use crate::app::pane::Ctx;
use crate::app::{Action, Effect};
use crate::config::{ViewConfig, ViewEntry};
use crate::query::parse;

/// Most views that fit the number keys.
pub(crate) const MAX_VIEWS: usize = 9;

#[derive(Debug, Clone)]
pub struct ViewTab {
    /// Stable across renames and moves: requests are routed by it.
    pub id: u32,
    pub name: String,
    /// Its name in the config file (None: not saved yet).
    pub origin: Option<String>,
    pub columns: Option<Vec<String>>,
    /// The list while the view is in the background (`None` for the active view).
    pub saved: Option<ListState>,
    /// Live mode found new failures here while it was in the background.
    pub new_failures: bool,
}

impl ViewTab {
    pub fn new(
        id: u32,
        name: &str,
        origin: Option<String>,
        columns: Option<Vec<String>>,
    ) -> ViewTab {
        ViewTab { id, name: name.to_string(), origin, columns, saved: None, new_failures: false }
    }
}

fn list_for(v: &ViewConfig) -> ListState {
    ListState {
        query: parse(&v.query).unwrap_or_default(),
        sort_by: v.sort.as_deref().and_then(SortBy::parse_known).unwrap_or(SortBy::StartedAt),
        sort_order: v.order.as_deref().and_then(SortOrder::parse_known).unwrap_or(SortOrder::Desc),
        ..ListState::default()
    }
}

impl RunsPane {
    /// Replaces the views (before `start`): the first becomes active, paging by `rows`.
    pub(crate) fn set_views(&mut self, configs: &[ViewConfig], rows: usize) {
        if configs.is_empty() {
            return;
        }
        self.saved_views = configs.to_vec();
        self.on_disk = configs.to_vec();
        let live = self.list.live_ms;
        self.views.clear();
        for (i, c) in configs.iter().take(MAX_VIEWS).enumerate() {
            let mut tab =
                ViewTab::new(self.next_view_id, &c.name, Some(c.name.clone()), c.columns.clone());
            self.next_view_id += 1;
            let mut l = list_for(c);
            l.live_ms = live;
            if i == 0 {
                l.viewport = rows;
                self.list = l;
            } else {
                tab.saved = Some(l);
            }
            self.views.push(tab);
        }
        self.active = 0;
    }

    /// Shows view `i`: its rows at once when it has some, refreshed in the background.
    fn switch_view(&mut self, i: usize, cx: &mut Ctx) {
        if i >= self.views.len() || i == self.active {
            return;
        }
        let rows = self.list.viewport;
        let mut incoming = self.views[i].saved.take().unwrap_or_default();
        std::mem::swap(&mut self.list, &mut incoming);
        self.views[self.active].saved = Some(incoming);
        self.active = i;
        self.views[i].new_failures = false;
        self.list.set_viewport(rows);
        if !self.list.loaded && self.list.pending.is_none() {
            self.request(Pending::First, cx);
        } else if self.list.loaded && self.list.pending.is_none() {
            self.request(Pending::Refresh, cx);
        }
    }

    pub(crate) fn view_action(&mut self, a: Action, cx: &mut Ctx) {
        let n = self.views.len();
        match a {
            Action::View(k) => self.switch_view(k as usize, cx),
            Action::NextView => self.switch_view((self.active + 1) % n, cx),
            Action::PrevView => self.switch_view((self.active + n - 1) % n, cx),
            Action::MoveViewLeft => self.move_view(self.active.wrapping_sub(1), cx),
            Action::MoveViewRight => self.move_view(self.active + 1, cx),
            _ => {}
        }
    }

    fn move_view(&mut self, to: usize, cx: &mut Ctx) {
        if to >= self.views.len() {
            return;
        }
        let v = self.views.remove(self.active);
        self.views.insert(to, v);
        self.active = to;
        self.save_views(None, cx);
    }

    /// The views as they are to be written: view `saving` (if any) with the filter and sort it
    /// shows, every other one with the filter and sort it was saved with (a temporary filter
    /// stays temporary), or what it shows when it was never saved.
    pub(crate) fn view_entries(&self, saving: Option<usize>) -> Vec<ViewEntry> {
        self.views
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let stored =
                    v.origin.as_ref().and_then(|o| self.saved_views.iter().find(|s| &s.name == o));
                let view = match stored {
                    Some(s) if saving != Some(i) => {
                        ViewConfig { name: v.name.clone(), columns: v.columns.clone(), ..s.clone() }
                    }
                    _ => {
                        let l = if i == self.active {
                            &self.list
                        } else {
                            v.saved.as_ref().unwrap_or(&self.list)
                        };
                        // The query as the user wrote it in the file, when it still means the same.
                        let written = stored
                            .map(|s| s.query.clone())
                            .filter(|q| parse(q).ok().as_ref() == Some(&l.query));
                        ViewConfig {
                            name: v.name.clone(),
                            query: written.unwrap_or_else(|| l.query.to_line()),
                            sort: (l.sort_by != SortBy::StartedAt)
                                .then(|| l.sort_by.as_str().to_string()),
                            order: (l.sort_order != SortOrder::Desc)
                                .then(|| l.sort_order.as_str().to_string()),
                            columns: v.columns.clone(),
                        }
                    }
                };
                ViewEntry { origin: v.origin.clone(), view }
            })
            .collect()
    }

    /// Asks for the views to be written, view `saving` with what it shows. From now on they
    /// count as saved (the `*` marks follow), until the write fails.
    fn save_views(&mut self, saving: Option<usize>, cx: &mut Ctx) {
        let entries = self.view_entries(saving);
        self.saved_views = entries.iter().map(|e| e.view.clone()).collect();
        self.writing.push_back(self.saved_views.clone());
        for v in &mut self.views {
            v.origin = Some(v.name.clone());
        }
        cx.effect(Effect::SaveViews(entries));
    }

    /// The config file was written (or not).
    pub(crate) fn views_saved(&mut self, result: Result<String, String>, cx: &mut Ctx) {
        let written = self.writing.pop_front();
        match result {
            Ok(path) => {
                if let Some(w) = written {
                    self.on_disk = w;
                }
                cx.flash(format!("views saved to {path}"));
            }
            Err(e) => {
                if self.writing.is_empty() {
                    // What the file holds is what counts as saved again.
                    self.saved_views = self.on_disk.clone();
                }
                cx.flash(format!("views not saved: {e}"))
            }
        }
    }

    /// `enter` on the `:` line: runs the command, or says why not.
    pub(crate) fn run_command(&mut self, line: &str, cx: &mut Ctx) -> Result<(), String> {
        let line = line.trim();
        let (cmd, arg) =
            line.split_once(char::is_whitespace).map(|(c, a)| (c, a.trim())).unwrap_or((line, ""));
        match cmd {
            "w" | "write" | "save" => self.command_save(arg, cx),
            "outbox" => cx.outbox_command(arg),
            // Where the data comes from; the key is never drawn, `--print-server` prints it.
            "server" => {
                let demo = if cx.shared().session().demo {
                    " · its key: run `tofui --demo --print-server` for a server to share"
                } else {
                    ""
                };
                cx.flash(format!("server {}{demo}", cx.shared().session().url));
                Ok(())
            }
            "rename" => {
                if arg.is_empty() {
                    Err("rename NEW-NAME".into())
                } else if self
                    .views
                    .iter()
                    .enumerate()
                    .any(|(i, v)| i != self.active && v.name == arg)
                {
                    Err(format!("a view is already named `{arg}`"))
                } else {
                    self.views[self.active].name = arg.to_string();
                    self.save_views(None, cx);
                    Ok(())
                }
            }
            "export!" => self.export_all(arg, cx),
            "export" => self.export_loaded(arg, cx),
            "delete" | "del" => {
                if self.views.len() == 1 {
                    Err("this is the only view".into())
                } else {
                    let rows = self.list.viewport;
                    let gone = self.views.remove(self.active);
                    let next = self.active.min(self.views.len() - 1);
                    // Take the next view's list into `list` (without saving the deleted one's).
                    self.list = self.views[next].saved.take().unwrap_or_default();
                    self.active = next;
                    self.list.set_viewport(rows);
                    if !self.list.loaded && self.list.pending.is_none() {
                        self.request(Pending::First, cx);
                    }
                    cx.flash(format!("view `{}` deleted", gone.name));
                    self.save_views(None, cx);
                    Ok(())
                }
            }
            "move" => match arg.parse::<usize>() {
                Ok(n) if (1..=self.views.len()).contains(&n) => {
                    self.move_view(n - 1, cx);
                    Ok(())
                }
                _ => Err(format!("move N, N from 1 to {}", self.views.len())),
            },
            "left" => {
                self.move_view(self.active.wrapping_sub(1), cx);
                Ok(())
            }
            "right" => {
                self.move_view(self.active + 1, cx);
                Ok(())
            }
            "" => Ok(()),
            other => Err(format!(
                "unknown command `{other}`; try w NAME, rename NAME, delete, move N, left, right, server, q"
            )),
        }
    }

    /// `:w NAME`: the current filter and sort as view NAME (a new tab, or that tab updated);
    /// `:w` alone saves the current view.
    fn command_save(&mut self, name: &str, cx: &mut Ctx) -> Result<(), String> {
        let name =
            if name.is_empty() { self.views[self.active].name.clone() } else { name.to_string() };
        if name == self.views[self.active].name {
            self.save_views(Some(self.active), cx);
            return Ok(());
        }
        if let Some(i) = self.views.iter().position(|v| v.name == name) {
            // Another tab of that name takes this filter and sort.
            let (q, sb, so) =
                (self.list.query.clone(), self.list.sort_by.clone(), self.list.sort_order.clone());
            self.switch_view(i, cx);
            self.list.query = q;
            self.list.sort_by = sb;
            self.list.sort_order = so;
            self.request(Pending::First, cx);
            self.save_views(Some(self.active), cx);
            return Ok(());
        }
        if self.views.len() >= MAX_VIEWS {
            return Err(format!("at most {MAX_VIEWS} views; :delete one first"));
        }
        // A new tab with this list; the current tab goes back to its saved filter.
        let current = self.active;
        let mut tab =
            ViewTab::new(self.next_view_id, &name, None, self.views[current].columns.clone());
        self.next_view_id += 1;
        let mut restored = std::mem::take(&mut self.list);
        let new_list = restored.clone();
        restored.rows.clear();
        restored.loaded = false;
        restored.pending = None;
        tab.saved = None;
        self.views.push(tab);
        self.list = new_list;
        // The old tab reloads with the filter it was saved with.
        let original = self.original_query(current);
        if let Some((q, sb, so)) = original {
            restored.query = q;
            restored.sort_by = sb;
            restored.sort_order = so;
        }
        self.views[current].saved = Some(restored);
        self.active = self.views.len() - 1;
        cx.flash(format!("view `{name}` added"));
        self.load_background_views(cx);
        self.save_views(Some(self.active), cx);
        Ok(())
    }

    /// Whether view `i` shows something else than its saved filter and sort (`:w` saves it,
    /// `X` puts the saved one back).
    pub fn modified(&self, i: usize) -> bool {
        let list = if i == self.active { Some(&self.list) } else { self.views[i].saved.as_ref() };
        match (self.original_query(i), list) {
            (Some((q, sb, so)), Some(l)) => l.query != q || l.sort_by != sb || l.sort_order != so,
            _ => false,
        }
    }

    /// `X`: the active view's saved filter and sort again.
    pub(crate) fn restore_view(&mut self, cx: &mut Ctx) {
        match self.original_query(self.active) {
            Some((q, sb, so)) if self.modified(self.active) => {
                (self.list.query, self.list.sort_by, self.list.sort_order) = (q, sb, so);
                cx.flash(format!(
                    "`{}` shows its saved filter again",
                    self.views[self.active].name
                ));
                self.request(Pending::First, cx);
            }
            Some(_) => cx.flash("this view already shows its saved filter"),
            None => cx.flash("this view is not saved; :w NAME saves it"),
        }
    }

    /// A view's filter and sort as the config has them (what `:w NAME` leaves it with).
    fn original_query(&self, i: usize) -> Option<(crate::query::RunQuery, SortBy, SortOrder)> {
        let name = self.views.get(i)?.origin.as_ref()?;
        let v = self.saved_views.iter().find(|v| &v.name == name)?;
        let l = list_for(v);
        Some((l.query, l.sort_by, l.sort_order))
    }
}
