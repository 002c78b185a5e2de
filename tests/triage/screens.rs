//! The triage queue on screen at 80×24 (the phase's logs under the tree) and 160×48 (beside
//! it): the run's header, the queue line, the tree at the first failure, the logs of its
//! phase, the presets, and a failed write's message.

use crate::common;

use crate::common::render::text;
use common::meta_server::*;
use common::rows::*;

#[test]
fn the_queue_at_both_sizes() {
    for (w, h) in [(80, 24), (160, 48)] {
        let (mut app, mut server) = setup(w, h);
        // The first run recorded; the second's write fails: its message shows.
        press(&mut app, &mut server, "T1");
        server.fail_next.insert(row(3).id.to_string());
        press(&mut app, &mut server, "2");
        let screen = text(&app);
        assert!(screen.contains("Triage 2 of 6"), "{screen}");
        assert!(screen.contains("1 fixture"), "{screen}");
        assert!(screen.contains("HTTP 500"), "{screen}");
        // The tree and the failing phase's logs share the screen.
        assert!(screen.contains("✗ FAIL") && screen.contains("levels"), "{screen}");
        insta::assert_snapshot!(format!("queue_{w}x{h}"), screen);
    }
}
