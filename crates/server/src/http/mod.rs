//! The HTTP edge shared by the route modules: how an error goes out
//! (`problem`) and how input comes in (`extract`).

pub mod extract;
pub mod headers;
pub mod problem;
