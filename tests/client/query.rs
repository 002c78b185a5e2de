//! The filter language: what users type, what the API receives, and every malformed line
//! giving an error at the right word.

use chrono::FixedOffset;
use proptest::prelude::*;
use tofui::api::{RunOutcome, SampleFilter};
use tofui::app::form::FormPane;
use tofui::query::{MetaCond, NameKind, Op, Resolved, RunQuery, TimeSpec, parse, to_params};

const EXAMPLE: &str = r#"outcome:fail,error serial:SN-00012 part:PCB-MAIN rev:A batch:B12 proc:"PCB Functional" version:v2.1 station:"Line 3" operator:alice since:24h until:2026-11-01 duration>2m meta.shift=A meta.temp>=20 meta.rework=true board 7"#;

#[test]
fn the_documented_example_reads_as_meant() {
    let q = parse(EXAMPLE).unwrap();
    assert_eq!(q.outcomes, vec![RunOutcome::Fail, RunOutcome::Error]);
    assert_eq!(q.serials, vec!["SN-00012"]);
    assert_eq!(
        (q.parts.as_slice(), q.revisions.as_slice(), q.batches.as_slice()),
        (&["PCB-MAIN".to_string()][..], &["A".to_string()][..], &["B12".to_string()][..])
    );
    assert_eq!(q.procedures, vec!["PCB Functional"]);
    assert_eq!(q.stations, vec!["Line 3"]);
    assert_eq!(q.operators, vec!["alice"]);
    assert_eq!(q.started.min, Some(TimeSpec::Ago(86_400_000)));
    assert!(matches!(q.started.max, Some(TimeSpec::Local(_))));
    assert_eq!(q.duration.min, Some(120_000));
    assert_eq!(q.search, vec!["board", "7"]);
    assert_eq!(q.meta[0], ("shift".to_string(), vec![MetaCond::In(vec!["A".into()])]));
    assert_eq!(q.meta[1], ("temp".to_string(), vec![MetaCond::Num(Op::Ge, 20.0)]));
    assert_eq!(q.meta[2], ("rework".to_string(), vec![MetaCond::Bool(true)]));
    // The canonical line reads back to the same query.
    assert_eq!(parse(&q.to_line()).unwrap(), q);
}

#[test]
fn parameters_follow_the_api_wire_rules() {
    let mut r = Resolved::default();
    r.ids.insert((NameKind::Procedure, "PCB Functional".into()), vec!["proc-1".into()]);
    r.ids.insert((NameKind::Station, "Line 3".into()), vec!["st-3".into()]);
    r.ids.insert((NameKind::Operator, "alice".into()), vec!["u-alice".into()]);
    let q = parse(EXAMPLE).unwrap();
    let now = 1_764_000_000_000; // 2025-11-24T16:00:00Z
    let p = to_params(&q, &r, now, FixedOffset::east_opt(0).unwrap().into());
    let get = |k: &str| {
        p.iter().filter(|(key, _)| *key == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>()
    };
    assert_eq!(get("outcomes"), ["FAIL", "ERROR"]);
    assert_eq!(get("procedure_ids"), ["proc-1"]);
    assert_eq!(get("created_by_station_ids"), ["st-3"]);
    assert_eq!(get("operated_by_ids"), ["u-alice"]);
    assert!(get("operated_by_names").is_empty());
    assert_eq!(get("started_after"), ["2025-11-23T16:00:00.000Z"]);
    assert_eq!(get("started_before"), ["2026-11-01T00:00:00.000Z"]);
    assert_eq!(get("duration_min"), ["PT2M"]);
    assert_eq!(get("search_query"), ["board 7"]);
    let meta: serde_json::Value = serde_json::from_str(get("metadata")[0]).unwrap();
    assert_eq!(
        meta,
        serde_json::json!({"shift":{"in":["A"]},"temp":{"gte":20.0},"rework":{"eq":true}})
    );
    // An operator who is no member is sent by name.
    let p = to_params(
        &parse("operator:\"Night shift\"").unwrap(),
        &Resolved::default(),
        now,
        FixedOffset::east_opt(0).unwrap().into(),
    );
    assert_eq!(p, vec![("operated_by_names", "Night shift".to_string())]);
}

#[test]
fn serial_patterns_become_a_search_and_a_row_check() {
    let q = parse("serial:SN-00*").unwrap();
    assert_eq!(q.serial_prefix.as_deref(), Some("SN-00"));
    let p = to_params(&q, &Resolved::default(), 0, FixedOffset::east_opt(0).unwrap().into());
    assert_eq!(p, vec![("search_query", "SN-00".to_string())]);
    assert!(q.keeps_serial("sn-00123"));
    assert!(!q.keeps_serial("SN-10023"));
}

#[test]
fn aliases_case_and_repeats() {
    let q = parse("o:FAIL outcome:fail,Timeout sample:Golden sn:X ids:a,b,a").unwrap();
    assert_eq!(q.outcomes, vec![RunOutcome::Fail, RunOutcome::Timeout]);
    assert_eq!(q.samples, vec![SampleFilter::Golden]);
    assert_eq!(q.ids, vec!["a", "b"]);
    let q = parse(r#"meta.bin="12" meta.x:a,b meta.x:c meta.t>1.5 meta.t<3 meta.f~F-"#).unwrap();
    assert_eq!(q.meta[0].1, vec![MetaCond::In(vec!["12".into()])]);
    assert_eq!(q.meta[1].1, vec![MetaCond::In(vec!["a".into(), "b".into(), "c".into()])]);
    assert_eq!(q.meta[2].1, vec![MetaCond::Num(Op::Gt, 1.5), MetaCond::Num(Op::Lt, 3.0)]);
    assert_eq!(parse(&q.to_line()).unwrap(), q);
    assert!(parse("   ").unwrap().is_empty());
}

/// (line, the text the error points at, a fragment of the message)
const MALFORMED: &[(&str, &str, &str)] = &[
    ("outcome:passed", "passed", "PASS FAIL ERROR"),
    ("outcome:", "", "empty value"),
    ("outcome:fail,", "", "empty value"),
    ("colour:red", "colour", "unknown filter"),
    ("since:yesterday", "yesterday", "not a time"),
    ("since:24h since:2h", "since:2h", "twice"),
    ("until:2026-13-01", "2026-13-01", "not a time"),
    ("duration>fast", "fast", "not a duration"),
    ("duration:2m", "duration:2m", "duration>"),
    ("duration>5m duration>=1m", "duration>=1m", "twice"),
    ("started:24h", "started:24h", "started>"),
    ("part>A", "part>A", "part:value"),
    ("since:1h,2h", "since:1h,2h", "one value"),
    ("meta.=3", "meta.", "name the metadata key"),
    ("meta.t>warm", "warm", "not a number"),
    ("meta.t>=", "", "needs a value"),
    ("meta.a=1 meta.b=1 meta.c=1 meta.d=1 meta.e=1 meta.f=1", "meta.f=1", "at most 5"),
    ("meta.s~a meta.s~b", "meta.s~b", "already"),
    ("proc:\"PCB", "\"PCB", "never closed"),
    ("\"open", "\"open", "never closed"),
    ("proc:\"A\"B", "\"A\"B", "followed by a comma"),
    ("ab\"c", "ab\"c", "quote"),
    ("\"a\"b", "\"a\"b", "space after"),
    ("serial:*", "*", "prefix"),
    ("serial:A* serial:B*", "B*", "one serial pattern"),
    ("serial:SN* board", "*", "search"),
    ("sample:prod", "prod", "sample class"),
];

#[test]
fn malformed_lines_point_at_the_offending_word() {
    for (line, at, msg) in MALFORMED {
        let e = parse(line).expect_err(line);
        assert_eq!(&line[e.start..e.end], *at, "span for {line}: {e:?}");
        assert!(e.message.contains(msg), "{line}: {}", e.message);
    }
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9_-]{1,8}", "[A-Za-z ,:\"\\\\é]{1,8}"]
}

fn query() -> impl Strategy<Value = RunQuery> {
    let outcomes = proptest::sample::subsequence(RunOutcome::ALL.to_vec(), 0..3);
    let meta = proptest::collection::vec(
        (
            "[a-z][a-z0-9_]{0,5}",
            prop_oneof![
                proptest::collection::vec(word(), 1..3).prop_map(|mut v| {
                    v.sort();
                    v.dedup();
                    MetaCond::In(v)
                }),
                word().prop_map(MetaCond::Contains),
                (
                    prop_oneof![
                        Just(Op::Gt),
                        Just(Op::Ge),
                        Just(Op::Lt),
                        Just(Op::Le),
                        Just(Op::Eq)
                    ],
                    -1e6f64..1e6
                )
                    .prop_map(|(o, n)| MetaCond::Num(o, n)),
                any::<bool>().prop_map(MetaCond::Bool),
            ],
        ),
        0..4,
    );
    (
        outcomes,
        proptest::collection::vec(word(), 0..3),
        proptest::collection::vec(word(), 0..2),
        proptest::option::of(0i64..10_000_000_000),
        proptest::option::of(1i64..100_000_000),
        meta,
        proptest::collection::vec(word(), 0..3),
    )
        .prop_map(|(outcomes, parts, procs, ago, dur, meta, search)| {
            let mut seen = std::collections::HashSet::new();
            let meta = meta
                .into_iter()
                .filter(|(k, _)| seen.insert(k.clone()))
                .map(|(k, c)| (k, vec![c]))
                .collect();
            let mut parts: Vec<String> = parts;
            parts.sort();
            parts.dedup();
            let mut procs: Vec<String> = procs;
            procs.sort();
            procs.dedup();
            RunQuery {
                outcomes,
                parts,
                procedures: procs,
                started: tofui::query::Bounds { min: ago.map(TimeSpec::Ago), max: None },
                duration: tofui::query::Bounds { min: None, max: dur },
                meta,
                search: search.into_iter().filter(|w| !w.is_empty()).collect(),
                ..RunQuery::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_line_parses_or_errors_inside_the_line(line in "\\PC{0,60}") {
        match parse(&line) {
            // What parses prints as a line that reads back to the same query.
            Ok(q) => prop_assert_eq!(parse(&q.to_line()), Ok(q.clone()), "line: {}", line),
            Err(e) => {
                prop_assert!(e.start <= e.end && e.end <= line.len(), "{e:?}");
                prop_assert!(line.is_char_boundary(e.start) && line.is_char_boundary(e.end), "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn filter_like_lines_never_panic(line in "((outcome|serial|meta\\.x|since|duration|proc|\"|,|:|=|>=|<|~|\\*| |[a-z0-9])){0,30}") {
        if let Err(e) = parse(&line) {
            prop_assert!(e.end <= line.len());
        }
    }

    #[test]
    fn printed_queries_read_back(q in query()) {
        let line = q.to_line();
        let back = parse(&line);
        prop_assert_eq!(back.as_ref(), Ok(&q), "line: {}", line);
    }
}

/// A value as people name things: spaces, quotes, colons, commas, backslashes, unicode.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{1,8}",
        "[A-Za-z0-9 ,:\"\\\\é日*-]{1,10}",
        " ?[A-Z][a-z]{2,6} [0-9] ?"
    ]
}

fn values(max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(value(), 0..max).prop_map(|mut v| {
        v.sort();
        v.dedup();
        v
    })
}

fn form_query() -> impl Strategy<Value = RunQuery> {
    (
        values(3),
        values(3),
        values(3),
        values(3),
        proptest::option::of("[A-Za-z0-9-]{1,6}"),
        proptest::collection::vec("[A-Za-z0-9,:\"\\\\é日=<>~*-]{1,8}", 0..3),
    )
        .prop_map(|(parts, procedures, stations, serials, serial_prefix, search)| RunQuery {
            parts,
            procedures,
            stations,
            serials,
            // A serial pattern takes the API's one search field.
            search: if serial_prefix.is_some() { vec![] } else { search },
            serial_prefix,
            ..RunQuery::default()
        })
}

fn form_with(field: &str, text: &str) -> FormPane {
    let mut form = FormPane::from_query(&RunQuery::default());
    let slot = form.fields.iter_mut().find(|(f, _)| f.label() == field).expect(field);
    slot.1 = tui_input::Input::new(text.to_string());
    form
}

#[test]
fn a_form_value_with_spaces_is_one_value_and_shows_without_quotes() {
    let q = parse(&form_with("Procedure", "PCB Functional").line()).unwrap();
    assert_eq!(q.procedures, ["PCB Functional"]);
    let q = parse(&form_with("Station", "line 1").line()).unwrap();
    assert_eq!(
        (q.stations.as_slice(), q.search.as_slice()),
        (&["line 1".to_string()][..], &[][..])
    );
    let q = parse(&form_with("Station", "Line 1 FCT, Line 2").line()).unwrap();
    assert_eq!(q.stations, ["Line 1 FCT", "Line 2"]);
    // Read back into the form, the value shows as typed, not with the line's quotes.
    let back = FormPane::from_query(&q);
    let station = back.fields.iter().find(|(f, _)| f.label() == "Station").unwrap();
    assert_eq!(station.1.value(), "Line 1 FCT,Line 2");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn form_line_form_gives_back_every_value(q in form_query()) {
        let form = FormPane::from_query(&q);
        let line = form.line();
        let back = parse(&line);
        prop_assert_eq!(back.as_ref(), Ok(&q), "line: {}", line);
        // A value with no comma, no leading quote and no outer spaces shows exactly as it is.
        let shown = |label: &str| {
            form.fields.iter().find(|(f, _)| f.label() == label).unwrap().1.value().to_string()
        };
        for (label, vals) in [("Part", &q.parts), ("Procedure", &q.procedures), ("Station", &q.stations)] {
            if let [one] = vals.as_slice()
                && !one.contains(',')
                && !one.starts_with('"')
                && one.trim() == one
            {
                prop_assert_eq!(shown(label), one.clone());
            }
        }
    }
}
