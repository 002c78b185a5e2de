//! Wire types of the TofuPilot REST API v2, shared by the embedded server and the dashboard's
//! client. Response types are tolerant (every field defaults, enums keep unknown values) so a
//! new value from the service shows as such instead of failing a page; request types used by
//! the server wrap enums in [`Strict`] so bad input is rejected with the field's name.

pub mod catalog;
pub mod create;
pub mod crossrun;
pub mod enums;
pub mod error;
pub mod run;
pub mod time;

pub use enums::*;
pub use error::{ApiErrorBody, ApiIssue};
pub use run::*;

mod mime;
pub use mime::content_type_for;
