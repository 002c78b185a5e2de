//! Compressed answers: JSON above a kilobyte goes out as zstd, brotli or gzip, whichever the
//! client accepts (zstd first: the cheapest to make and to read). A 100-run page is ~98 kB of
//! JSON and ~10 kB compressed, which is most of a page's time on a 20 Mbit/s line. Streamed
//! bodies (a huge run) stay streamed: the encoder passes on what it has as the rows come.
//! Attachments are not compressed (they are often compressed already).

use axum::http::{HeaderMap, StatusCode, Version, header};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};

/// Smaller answers go as they are: compressing them saves less than a packet.
pub(super) const MIN_COMPRESSED: u16 = 1024;

fn is_json(_: StatusCode, _: Version, headers: &HeaderMap, _: &axum::http::Extensions) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"))
}

/// The layer for the API's routes.
pub(super) fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .no_deflate()
        // The fastest level of each: ~5x smaller JSON at a fraction of a millisecond per page,
        // and a 66 MB run compressed as fast as SQLite reads it.
        .quality(CompressionLevel::Fastest)
        .compress_when(SizeAbove::new(MIN_COMPRESSED).and(is_json as fn(_, _, &_, &_) -> bool))
}
