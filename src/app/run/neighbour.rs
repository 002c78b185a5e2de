//! `]` and `[` in the run view: which run of the list it came from is next.

/// The run `by` rows from `from` in `rows` (bad rows skipped) for the run view to move to, or
/// why there is none; the caller moves its own cursor to the index returned.
pub(crate) fn neighbour(
    rows: &[crate::model::RunRow],
    from: &str,
    by: isize,
    more_to_load: bool,
) -> Result<usize, &'static str> {
    let at = rows.iter().position(|r| &*r.id == from).ok_or("the run left the list")?;
    let mut i = at as isize;
    loop {
        i += by.signum();
        match rows.get(usize::try_from(i).map_err(|_| "the first run of the list")?) {
            Some(r) if !r.id.is_empty() && r.problem.is_none() => return Ok(i as usize),
            Some(_) => {}
            None if more_to_load => return Err("loading more runs… press again"),
            None => return Err("the last run of the list"),
        }
    }
}
