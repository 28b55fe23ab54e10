//! The HTTP edge shared by the route modules: how an error goes out
//! (`problem`, and `refusals` for those no handler wrote), how input comes
//! in (`extract`), the headers of every response (`headers`), and when a
//! refused write may answer (`settled`).

pub mod download;
pub mod extract;
pub mod headers;
pub mod problem;
pub mod refusals;
pub mod settled;
