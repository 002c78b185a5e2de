//! The registry: every pane that opens over the runs list and every key mode, one line each.
//! The macros below generate from these lines what registering a pane takes: the [`Pane`]
//! enum, its dispatch to [`Component`], whether it is a screen of its own, the accessor
//! `App::<pane>()` (the topmost one open), `From<YourPane> for Pane`; and the [`Mode`] enum
//! with its `[keys.NAME]` table name and the `?` overlay's title. The renderer reads the same
//! lines (`registry!`) for its side: the `ui/<module>.rs` of each pane and the one `match`
//! that draws it, so that `ui` is named nowhere here.

use super::App;
use super::pane::Component;

/// Declares the panes: per line its variant, its module and type (the module's name is that of
/// its `app/` and its `ui/` file), `screen` (a screen of its own, like the run view), `over`
/// (drawn over what is under it) or `bar` (a one-line prompt under the runs list, with its hint
/// or error under it), and the name of its accessor.
macro_rules! panes {
    ($($(#[$doc:meta])* $name:ident($m:ident::$ty:ident) $kind:ident $acc:ident,)*) => {
        /// A pane open over the runs list.
        pub enum Pane {
            $($(#[$doc])* $name(Box<super::$m::$ty>),)*
        }

        impl Pane {
            pub(super) fn component(&self) -> &dyn Component {
                match self { $(Pane::$name(p) => p.as_ref(),)* }
            }

            pub(super) fn component_mut(&mut self) -> &mut dyn Component {
                match self { $(Pane::$name(p) => p.as_mut(),)* }
            }

            /// A screen of its own (the run view), rather than something drawn over one.
            pub(crate) fn is_screen(&self) -> bool {
                match self { $(Pane::$name(_) => panes!(@screen $kind),)* }
            }

            /// Rows the pane takes under the runs list.
            pub(crate) fn bar_rows(&self) -> u16 {
                match self { $(Pane::$name(_) => panes!(@bar $kind),)* }
            }
        }

        $(impl From<super::$m::$ty> for Pane {
            fn from(p: super::$m::$ty) -> Pane {
                Pane::$name(Box::new(p))
            }
        })*

        impl App {
            $(
                #[doc = concat!("The topmost `", stringify!($name), "` pane, when one is open.")]
                pub fn $acc(&self) -> Option<&super::$m::$ty> {
                    self.stack.iter().rev().find_map(|p| match p {
                        Pane::$name(x) => Some(x.as_ref()),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    })
                }
            )*
        }
    };
    (@screen screen) => { true };
    (@screen $kind:ident) => { false };
    (@bar bar) => { super::layout::BAR };
    (@bar $kind:ident) => { 0 };
}

/// The pane lines, handed to the macro named: `panes` here, `ui_panes` in the renderer.
macro_rules! registry {
    ($($callback:tt)*) => {
        $($callback)*! {
            /// The `/` line.
            Filter(filter::FilterPane) bar filter,
            /// The `:` line.
            Command(command::CommandPane) bar command,
            /// The filter form.
            Form(form::FormPane) over form,
            /// The create-run form.
            Create(create::CreatePane) over create,
            /// An opened run.
            Run(run::RunPane) screen run,
            /// The metadata editor.
            Editor(editor::EditorPane) over editor,
            /// Confirming a delete.
            Delete(delete::DeletePane) over delete,
            /// The upload prompt.
            Upload(upload::UploadPane) over upload,
            /// A yes/no question.
            Ask(ask::AskPane) over ask,
            /// The `?` overlay.
            Help(help::HelpPane) over help,
            /// The go-to-serial prompt.
            Serial(serial::SerialPane) bar serial,
            /// A unit: its runs and its assembly tree.
            Unit(unit::UnitPane) screen unit,
            /// A retest side by side.
            Retest(retest::RetestPane) screen retest,
            /// The yield pane.
            Yield(yields::YieldPane) screen yields,
            /// The failure Pareto pane.
            Pareto(pareto::ParetoPane) screen pareto,
            /// A failure mode explained by every dimension.
            Explain(explain::ExplainPane) screen explain,
            /// A measurement's values over the filter's runs.
            Trend(trend::TrendPane) screen trend,
            /// The triage queue: the failing runs without a disposition, one by one.
            Triage(triage::TriagePane) screen triage,
        }
    };
}
pub(crate) use registry;

registry!(panes);

impl Pane {
    pub fn mode(&self) -> Mode {
        self.component().mode()
    }
}

/// Declares the key modes: per line the variant, the name of its table in the config
/// (`[keys.NAME]`, `-`: not remappable) and the `?` overlay's title over it (`-`: the runs
/// list's).
macro_rules! modes {
    ($($(#[$doc:meta])* $name:ident $keys:tt $title:tt,)*) => {
        /// A keymap table: which keys mean what while a pane (or one of its steps) is on top.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Mode {
            $($(#[$doc])* $name,)*
        }

        impl Mode {
            /// The name of the mode's table in the config (`[keys.list]`).
            pub(crate) fn config_name(self) -> Option<&'static str> {
                match self { $(Mode::$name => modes!(@opt $keys),)* }
            }

            /// What the `?` overlay is titled over this mode.
            pub fn title(self) -> &'static str {
                match self { $(Mode::$name => modes!(@title $title),)* }
            }
        }
    };
    (@opt -) => { None };
    (@opt $l:literal) => { Some($l) };
    (@title -) => { "runs list" };
    (@title $l:literal) => { $l };
}

modes! {
    /// The runs list.
    List "list" -,
    /// Typing a filter query (other keys go to the text field).
    Filter "filter" -,
    /// The filter form (other keys go to the focused field).
    Form "form" -,
    /// The create-run form (other keys go to the focused field).
    CreateRun "new_run" -,
    /// The create-run form's request, before sending.
    CreateReview - -,
    /// The run view's phases tree.
    Tree "tree" "run phases",
    /// The run view's logs.
    Logs "logs" "run logs",
    /// Typing a logs search.
    LogSearch - "run",
    /// The run view's attachments.
    Attachments "attachments" "attachments",
    /// The run view's other tabs, or the run while it loads.
    RunOther "run" "run",
    /// A measurement's chart.
    Chart "chart" "chart",
    /// The metadata editor.
    Editor "editor" "metadata editor",
    /// Typing a key or value in the editor.
    EditorText - -,
    /// The editor's change set, before saving.
    EditorReview - -,
    /// Confirming a delete.
    ConfirmDelete - -,
    /// Typing the path of a file to upload.
    UploadPrompt - -,
    /// A yes/no question.
    Ask - -,
    /// Typing a `:` command.
    Command - -,
    /// The `?` overlay.
    Help - -,
    /// The unit view.
    Unit "unit" "unit",
    /// The yield pane.
    Yield "yield" "yield",
    /// The failure Pareto pane.
    Pareto "pareto" "failure Pareto",
    /// A failure mode explained.
    Explain "explain" "explain",
    /// A measurement's trend.
    Trend "trend" "measurement trend",
    /// Typing or scanning a serial.
    Serial - -,
    /// A retest side by side.
    Retest - -,
    /// The "set your API key" screen.
    Blocked - -,
    /// The triage queue: a failing run with its first failure and that phase's logs.
    Triage "triage" "triage queue",
    /// Typing a disposition in the triage queue.
    TriageText - -,
    /// The preview of an undo, before it is written.
    UndoReview - -,
}
