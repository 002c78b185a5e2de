//! Going to a serial: a one-line prompt that takes a serial typed or scanned (a barcode
//! scanner types the code fast and presses Enter; every key is queued, none is lost), then
//! opens the unit view in its place.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, Outcome};
use super::unit::UnitPane;
use super::{Action, Mode, Pane};

#[derive(Debug, Clone, Default)]
pub struct SerialPane {
    pub input: Input,
    pub error: Option<String>,
}

impl Component for SerialPane {
    fn mode(&self) -> Mode {
        Mode::Serial
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => Outcome::Pop,
            Action::Submit => {
                // Scanners may add a prefix of control characters or spaces; neither is part of
                // a serial.
                let serial: String =
                    self.input.value().chars().filter(|c| !c.is_control()).collect();
                let serial = serial.trim();
                if serial.is_empty() {
                    self.error = Some("type or scan a serial number, then enter".into());
                    return Outcome::Stay;
                }
                Outcome::Replace(Pane::Unit(Box::new(UnitPane::open(serial, cx))))
            }
            _ => Outcome::Stay,
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.input.handle(req);
        self.error = None;
    }
}
