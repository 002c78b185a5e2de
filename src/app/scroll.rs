//! A cursor over a list of `len` rows and the first row on screen: shared by every scrolling
//! pane of the run view.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub cursor: usize,
    pub offset: usize,
}

impl Scroll {
    /// Moves the cursor by `delta`, clamped to `len` rows, keeping it on screen.
    pub(crate) fn move_by(&mut self, delta: isize, len: usize, viewport: usize) {
        if len == 0 {
            *self = Scroll::default();
            return;
        }
        self.cursor = self.cursor.saturating_add_signed(delta).min(len - 1);
        self.fit(len, viewport);
    }

    /// Keeps the cursor inside `len` rows and on screen.
    pub(crate) fn fit(&mut self, len: usize, viewport: usize) {
        let vp = viewport.max(1);
        self.cursor = self.cursor.min(len.saturating_sub(1));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + vp {
            self.offset = self.cursor + 1 - vp;
        }
        self.offset = self.offset.min(len.saturating_sub(vp));
    }
}
