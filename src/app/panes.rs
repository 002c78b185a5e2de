//! The panes that open over the runs list: the [`Pane`] enum, one line per pane, and its
//! dispatch to [`Component`].

use super::pane::Component;
use super::{
    Mode, ask, command, create, delete, editor, explain, filter, form, help, pareto, retest, run,
    serial, trend, triage, unit, upload, yields,
};

/// Declares the panes that open over the runs list: the [`Pane`] enum and its dispatch to
/// [`Component`]. One line per pane.
macro_rules! panes {
    ($($(#[$doc:meta])* $name:ident($ty:ty),)*) => {
        /// A pane open over the runs list.
        pub enum Pane {
            $($(#[$doc])* $name(Box<$ty>),)*
        }

        impl Pane {
            pub(super) fn component(&self) -> &dyn Component {
                match self { $(Pane::$name(p) => p.as_ref(),)* }
            }

            pub(super) fn component_mut(&mut self) -> &mut dyn Component {
                match self { $(Pane::$name(p) => p.as_mut(),)* }
            }
        }
    };
}

panes! {
    /// The `/` line.
    Filter(filter::FilterPane),
    /// The `:` line.
    Command(command::CommandPane),
    /// The filter form.
    Form(form::FormPane),
    /// The create-run form.
    Create(create::CreatePane),
    /// An opened run.
    Run(run::RunPane),
    /// The metadata editor.
    Editor(editor::EditorPane),
    /// Confirming a delete.
    Delete(delete::DeletePane),
    /// The upload prompt.
    Upload(upload::UploadPane),
    /// A yes/no question.
    Ask(ask::AskPane),
    /// The `?` overlay.
    Help(help::HelpPane),
    /// The go-to-serial prompt.
    Serial(serial::SerialPane),
    /// A unit: its runs and its assembly tree.
    Unit(unit::UnitPane),
    /// A retest side by side.
    Retest(retest::RetestPane),
    /// The yield pane.
    Yield(yields::YieldPane),
    /// The failure Pareto pane.
    Pareto(pareto::ParetoPane),
    /// A failure mode explained by every dimension.
    Explain(explain::ExplainPane),
    /// A measurement's values over the filter's runs.
    Trend(trend::TrendPane),
    /// The triage queue: the failing runs without a disposition, one by one.
    Triage(triage::TriagePane),
}

impl Pane {
    pub fn mode(&self) -> Mode {
        self.component().mode()
    }

    /// A screen of its own (the run view), rather than something drawn over one.
    pub(crate) fn is_screen(&self) -> bool {
        matches!(
            self,
            Pane::Run(_)
                | Pane::Unit(_)
                | Pane::Retest(_)
                | Pane::Yield(_)
                | Pane::Pareto(_)
                | Pane::Explain(_)
                | Pane::Trend(_)
                | Pane::Triage(_)
        )
    }
}
