//! The triage queue's keys.

use crossterm::event::KeyCode as K;

use super::defaults::{b, ch, movement, quit};
use super::{Binding, KeySpec};
use crate::app::action::Action;

/// The triage queue (its number keys pick a preset: it is a mode of its own, not the run
/// view's tabs), and the disposition being typed.
pub(super) fn triage() -> (Vec<Binding>, Vec<Binding>) {
    let mut queue = Vec::new();
    for n in 1..=9u8 {
        queue.push(b(ch((b'0' + n) as char), Action::Dispose(n - 1), "record preset", true));
    }
    queue.extend([
        b(ch('t'), Action::DisposeText, "type one", true),
        b(ch('s'), Action::NextRun, "skip", true),
        b(ch(']'), Action::NextRun, "skip", false),
        b(ch('b'), Action::PrevRun, "back", true),
        b(ch('['), Action::PrevRun, "back", false),
        b(ch('n'), Action::NextFailure, "next fail", false),
        b(ch('N'), Action::PrevFailure, "previous failure", false),
        b(ch('a'), Action::AllLogs, "all the run's logs", false),
        b(
            KeySpec::plain(K::Enter),
            Action::Open,
            "the whole run view (] [ move in the queue)",
            false,
        ),
        b(KeySpec::plain(K::Esc), Action::Back, "leave", true),
        b(ch('q'), Action::Back, "leave", false),
        b(ch('?'), Action::Help, "help", true),
    ]);
    queue.extend(movement(false));
    queue.extend(quit());
    let text = vec![
        b(KeySpec::plain(K::Enter), Action::Submit, "record", true),
        b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
        b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
    ];
    (queue, text)
}
