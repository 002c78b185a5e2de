//! Item 7: `q` goes back one level in the yield, Pareto, explain and trend panes, as it does
//! everywhere else below the list.

use tofui::app::{Effect, Mode};

use crate::common::rows::*;
use crate::support::*;

#[test]
fn q_closes_the_yield_and_pareto_panes_back_to_the_list() {
    for (open, mode) in [('%', Mode::Yield), ('P', Mode::Pareto)] {
        let mut a = app(80, 24);
        a.start();
        key(&mut a, open);
        assert_eq!(a.mode(), mode);
        let fx = key(&mut a, 'q');
        assert_eq!(a.mode(), Mode::List, "q leaves {mode:?} for the list");
        assert!(!fx.contains(&Effect::Quit), "and does not quit");
    }
}

#[test]
fn q_closes_the_trend_back_to_the_run() {
    let mut a = run_open();
    key(&mut a, 'f');
    key(&mut a, 't');
    assert_eq!(a.mode(), Mode::Trend, "t on the first failing measurement");
    key(&mut a, 'q');
    assert_eq!(a.mode(), Mode::Tree, "q: back to the run");
}
