//! Enums as the API spells them. Each keeps values it does not know in `Unknown` so the
//! dashboard can show them; the server refuses them through [`Strict`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What every wire enum offers: its spelling, whether it is one the API documents, and the
/// list of documented spellings for error messages.
pub trait WireEnum: Sized {
    fn as_str(&self) -> &str;
    fn is_known(&self) -> bool;
    fn expected() -> &'static str;
    /// Parses a documented value, ignoring ASCII case. `None` for anything else.
    fn parse_known(s: &str) -> Option<Self>;
}

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)+ Unknown(String) }

        impl $name {
            /// Every documented value, in the API's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(s: &str) -> Self {
                match s { $($wire => Self::$variant,)+ other => Self::Unknown(other.to_string()) }
            }
        }

        impl WireEnum for $name {
            fn as_str(&self) -> &str {
                match self { $(Self::$variant => $wire,)+ Self::Unknown(s) => s }
            }
            fn is_known(&self) -> bool { !matches!(self, Self::Unknown(_)) }
            fn expected() -> &'static str { concat!($($wire, " "),+).trim_ascii_end() }
            fn parse_known(s: &str) -> Option<Self> {
                $(if s.eq_ignore_ascii_case($wire) { return Some(Self::$variant); })+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

wire_enum!(
    /// Outcome of a run.
    RunOutcome { Pass = "PASS", Fail = "FAIL", Error = "ERROR", Timeout = "TIMEOUT", Aborted = "ABORTED" }
);
wire_enum!(
    /// Outcome of a phase.
    PhaseOutcome { Pass = "PASS", Fail = "FAIL", Skip = "SKIP", Error = "ERROR" }
);
wire_enum!(
    /// Outcome of a measurement, validator or aggregation.
    Outcome { Pass = "PASS", Fail = "FAIL", Unset = "UNSET" }
);
wire_enum!(
    /// Outcome of a sequence call.
    SequenceOutcome {
        Pass = "PASS", Fail = "FAIL", Error = "ERROR", Timeout = "TIMEOUT", Aborted = "ABORTED", Skip = "SKIP",
    }
);
wire_enum!(
    /// Severity of a log line.
    LogLevel { Debug = "DEBUG", Info = "INFO", Warning = "WARNING", Error = "ERROR", Critical = "CRITICAL" }
);
wire_enum!(
    /// Sort field of the runs list.
    SortBy {
        StartedAt = "started_at", CreatedAt = "created_at", Duration = "duration", Outcome = "outcome",
        SerialNumber = "serial_number", PartNumber = "part_number", RevisionNumber = "revision_number",
    }
);
wire_enum!(
    /// Sort direction.
    SortOrder { Asc = "asc", Desc = "desc" }
);
wire_enum!(
    /// The `samples` list filter. `production` means a unit with no sample class.
    SampleFilter { Production = "production", Golden = "golden", Failing = "failing", Ignored = "ignored" }
);
wire_enum!(
    /// Sample class of a unit in responses. A production unit has none (null).
    Sample { Golden = "golden", Failing = "failing", Ignored = "ignored" }
);
wire_enum!(
    /// Where a run was made: the `environments` filter.
    Environment { Production = "production", Preview = "preview", Development = "development" }
);
wire_enum!(
    /// What a measurement holds.
    MeasurementType {
        Numeric = "numeric", Boolean = "boolean", String = "string",
        Multidimensional = "multidimensional", Empty = "empty", Json = "json",
    }
);
wire_enum!(
    /// Sort field of `/v2/measurements`.
    MeasurementSortBy {
        StartedAt = "started_at", Value = "value", Outcome = "outcome", SerialNumber = "serial_number",
        PhaseName = "phase_name", MeasurementName = "measurement_name",
    }
);
wire_enum!(
    /// Sort field of `/v2/phases`.
    PhaseSortBy {
        StartedAt = "started_at", Duration = "duration", Outcome = "outcome",
        SerialNumber = "serial_number", PhaseName = "phase_name",
    }
);
wire_enum!(
    /// Sort field of `/v2/logs`.
    LogSortBy { CreatedAt = "created_at", Level = "level", RunId = "run_id", Outcome = "outcome" }
);
wire_enum!(
    /// Sort field of `/v2/units`.
    UnitSortBy {
        SerialNumber = "serial_number", CreatedAt = "created_at", LastRunAt = "last_run_at",
        PartNumber = "part_number", LastRunProcedure = "last_run_procedure",
    }
);
wire_enum!(
    /// Sort field of `/v2/parts`.
    PartSortBy { Name = "name", Number = "number", CreatedAt = "created_at" }
);
wire_enum!(
    /// Sort field of `/v2/batches`.
    BatchSortBy { Number = "number", CreatedAt = "created_at" }
);
wire_enum!(
    /// Where a config value came from.
    ConfigSource {
        Default = "default", Shell = "shell", Dotenv = "dotenv", Process = "process",
        Station = "station", Procedure = "procedure", Organization = "organization",
    }
);

impl Default for SortOrder {
    /// The API's default: newest first.
    fn default() -> Self {
        SortOrder::Desc
    }
}

impl RunOutcome {
    /// FAIL, ERROR and TIMEOUT: the run ended failing. ABORTED does not count (the run was
    /// stopped, not failed): the triage queue's runs, the failing rows the Pareto reads, a
    /// yield's failures ([`Verdict::ended_failing`](crate::analysis::Verdict::ended_failing)).
    pub const ENDED_FAILING: [RunOutcome; 3] = [Self::Fail, Self::Error, Self::Timeout];

    /// One of [`RunOutcome::ENDED_FAILING`]: ABORTED does not count.
    pub fn ended_failing(&self) -> bool {
        matches!(self, Self::Fail | Self::Error | Self::Timeout)
    }

    /// Any end but PASS, ABORTED included: the runs whose first failure the runs list's
    /// column looks up (an aborted run may have a failed phase).
    pub fn failing_or_aborted(&self) -> bool {
        self.ended_failing() || matches!(self, Self::Aborted)
    }
}

/// A wire enum that must hold a documented value: deserialising anything else fails with the
/// list of accepted values, so the server's 400 names both the field and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strict<T>(pub T);

impl<T: WireEnum> Serialize for Strict<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de, T: WireEnum + Deserialize<'de>> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = T::deserialize(d)?;
        if v.is_known() {
            Ok(Strict(v))
        } else {
            Err(serde::de::Error::custom(format!(
                "unknown value `{}`, expected one of: {}",
                v.as_str(),
                T::expected()
            )))
        }
    }
}

impl<T> From<T> for Strict<T> {
    fn from(v: T) -> Self {
        Strict(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_survive_a_round_trip() {
        let o: RunOutcome = serde_json::from_str("\"RUNNING\"").unwrap();
        assert_eq!(o, RunOutcome::Unknown("RUNNING".into()));
        assert_eq!(serde_json::to_string(&o).unwrap(), "\"RUNNING\"");
    }

    #[test]
    fn strict_rejects_unknown_values_and_names_the_accepted_ones() {
        let err = serde_json::from_str::<Strict<RunOutcome>>("\"RUNNING\"").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("RUNNING") && msg.contains("PASS FAIL ERROR TIMEOUT ABORTED"),
            "{msg}"
        );
        assert_eq!(
            serde_json::from_str::<Strict<RunOutcome>>("\"FAIL\"").unwrap().0,
            RunOutcome::Fail
        );
    }

    #[test]
    fn parse_known_ignores_case() {
        assert_eq!(SortBy::parse_known("Started_At"), Some(SortBy::StartedAt));
        assert_eq!(SortBy::parse_known("nope"), None);
    }
}
