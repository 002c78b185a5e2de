//! The one progress bar: uploads and downloads draw their share with it.

/// `█████░░░░░  50%`: `done` of `total` in `width` cells. Clamped to full, because more bytes
/// than the file had when opened can be sent (a log file still growing), and an unknown or
/// zero total draws an empty bar.
pub(crate) fn gauge(done: u64, total: Option<u64>, width: usize) -> String {
    let frac = match total {
        Some(t) if t > 0 => (done as f64 / t as f64).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let filled = ((frac * width as f64).round() as usize).min(width);
    format!("{}{} {:>3.0}%", "█".repeat(filled), "░".repeat(width - filled), frac * 100.0)
}

#[cfg(test)]
mod tests {
    use super::gauge;

    #[test]
    fn the_gauge_is_clamped_to_its_width() {
        assert_eq!(gauge(617, Some(1234), 10), "█████░░░░░  50%");
        assert_eq!(gauge(5000, Some(1234), 10), "██████████ 100%", "more sent than the file had");
        assert_eq!(gauge(5, Some(0), 4), "░░░░   0%");
        assert_eq!(gauge(5, None, 4), "░░░░   0%");
    }
}
