//! The branch marks of a tree drawn depth first: `├ ` before a node with a sibling below it,
//! `└ ` before the last, `│ ` where an ancestor's siblings continue below. In ASCII `|- `,
//! `` `- `` and `|  ` (as `tree --charset=ascii` draws), none of which is a mark the screen
//! uses for anything else (PASS is `+`, the box-drawing stand-in).

/// The prefix of each row of a depth-first tree whose rows have these `depths` (0: a root,
/// drawn without one). Two columns per level below the root, three in ASCII.
pub(crate) fn prefixes(depths: &[usize], ascii: bool) -> Vec<String> {
    let (tee, last, bar, gap) =
        if ascii { ("|- ", "`- ", "|  ", "   ") } else { ("├ ", "└ ", "│ ", "  ") };
    let deepest = depths.iter().copied().max().unwrap_or(0);
    // Scanning up from the bottom: `below[k]`, a row of depth k comes further down before any
    // row shallower than k, i.e. the branch at level k goes on.
    let mut below = vec![false; deepest + 1];
    let mut out = vec![String::new(); depths.len()];
    for (i, &d) in depths.iter().enumerate().rev() {
        let mut p = String::new();
        for (k, &on) in below.iter().enumerate().take(d + 1).skip(1) {
            p.push_str(match (k == d, on) {
                (true, true) => tee,
                (true, false) => last,
                (false, true) => bar,
                (false, false) => gap,
            });
        }
        out[i] = p;
        below[d] = true;
        below.iter_mut().skip(d + 1).for_each(|b| *b = false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::prefixes;

    #[test]
    fn siblings_tee_the_last_closes_and_ancestors_continue() {
        let depths = [0, 1, 2, 2, 1, 2];
        let want = ["", "├ ", "│ ├ ", "│ └ ", "└ ", "  └ "];
        assert_eq!(prefixes(&depths, false), want);
        let want = ["", "|- ", "|  |- ", "|  `- ", "`- ", "   `- "];
        assert_eq!(prefixes(&depths, true), want);
    }
}
