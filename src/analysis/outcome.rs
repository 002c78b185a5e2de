//! A run's outcome and its unit's sample class, one byte each.

use crate::api::{RunOutcome, Sample};

/// A run's outcome as one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Fail,
    Error,
    Timeout,
    Aborted,
    /// An outcome the API does not document, or none: the run has no verdict yet.
    Unknown,
    /// Only phases or measurements of this run have arrived, not the run itself.
    NotLoaded,
}

impl Verdict {
    pub fn from_outcome(o: Option<&RunOutcome>) -> Self {
        match o {
            Some(RunOutcome::Pass) => Verdict::Pass,
            Some(RunOutcome::Fail) => Verdict::Fail,
            Some(RunOutcome::Error) => Verdict::Error,
            Some(RunOutcome::Timeout) => Verdict::Timeout,
            Some(RunOutcome::Aborted) => Verdict::Aborted,
            _ => Verdict::Unknown,
        }
    }

    /// FAIL, ERROR and TIMEOUT: a counted run that did not pass; ABORTED does not count (as
    /// [`RunOutcome::ended_failing`]).
    pub fn ended_failing(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Error | Verdict::Timeout)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Error => "ERROR",
            Verdict::Timeout => "TIMEOUT",
            Verdict::Aborted => "ABORTED",
            Verdict::Unknown => "no outcome",
            Verdict::NotLoaded => "not loaded",
        }
    }
}

/// A unit's sample class as one byte. Production units have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleClass {
    Production,
    Golden,
    Failing,
    Ignored,
    /// A class the API does not document: left out like the documented ones, since it is
    /// not a production unit.
    Other,
}

impl SampleClass {
    pub fn from_sample(s: Option<&Sample>) -> Self {
        match s {
            None => SampleClass::Production,
            Some(Sample::Golden) => SampleClass::Golden,
            Some(Sample::Failing) => SampleClass::Failing,
            Some(Sample::Ignored) => SampleClass::Ignored,
            Some(Sample::Unknown(_)) => SampleClass::Other,
        }
    }
}
