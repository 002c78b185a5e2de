//! Item 4: after a logs search, the status line follows the current match as `j`/`k`, `n` and
//! `N` move, instead of staying on "no more matches".

use tofui::app::App;

use crate::support::*;

fn status(app: &App) -> String {
    app.flash().unwrap_or_default().to_string()
}

/// The logs tab's filter line (the first line of the tab's body).
fn filter_line(app: &App) -> String {
    let s = screen(app);
    s.lines().find(|l| l.contains(" levels ")).unwrap_or_default().to_string()
}

#[test]
fn the_search_status_follows_the_cursor() {
    let mut a = run_open();
    press(&mut a, "2/rail\n");
    assert!(filter_line(&a).contains("\"rail\" match 1 of 3"), "{}", filter_line(&a));
    press(&mut a, "nn");
    assert_eq!(status(&a), "match 3 of 3");
    press(&mut a, "n");
    assert_eq!(status(&a), "no more matches below · match 3 of 3");
    press(&mut a, "N");
    assert_eq!(status(&a), "match 2 of 3", "N moved back: the status says so");
    assert!(filter_line(&a).contains("match 2 of 3"), "{}", filter_line(&a));
    // The fixture's matches are lines l3, l4 and l6: k lands on the first, j j past the second.
    press(&mut a, "k");
    assert_eq!(status(&a), "match 1 of 3", "k onto the first match");
    press(&mut a, "jj");
    assert_eq!(status(&a), "3 matches · 2 above", "j j between the second and the third");
    assert!(filter_line(&a).contains("3 matches · 2 above"), "{}", filter_line(&a));
}
