//! Item 3: `duration>2m` is applied as `duration>=2m` (the API's bounds include their ends,
//! and it has no exclusive ones); the screen says so instead of rewriting it silently.

use tofui::query::{parse, widened};

use crate::support::*;

#[test]
fn a_strict_bound_is_applied_inclusive_and_the_status_line_says_so() {
    let mut a = listing(120, 40, 10);
    press(&mut a, "/\x15duration>2m outcome:fail\n");
    let said = a.flash().unwrap_or_default().to_string();
    assert!(
        said.contains("duration>2m is applied as duration>=2m")
            && said.contains("bounds include their ends"),
        "{said}"
    );
    assert!(screen(&a).contains("duration>2m is applied as duration>=2m"), "{}", screen(&a));
    assert_eq!(a.list().query.duration.min, Some(120_000));
}

#[test]
fn only_strict_time_and_duration_bounds_are_reported() {
    let w = widened("duration<1h started>24h duration>=2m meta.temp>20 outcome:fail");
    let w: Vec<(&str, &str)> = w.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(w, [("duration<1h", "duration<=1h"), ("started>24h", "since:24h")]);
    assert!(widened("duration>=2m").is_empty() && parse("duration>2m").is_ok());
}
