//! Properties of the contract, each checked on proptest's number of generated cases (256 by
//! default; `PROPTEST_CASES=5000 cargo test --test properties` for more). A failure is shrunk to
//! a minimal counterexample and its seed saved under `proptest-regressions/` at the crate root,
//! so that the next run tries it first.

#![cfg(feature = "strategy")]

mod bodies_over_http;
mod name_rule;
mod names_over_http;
mod round_trips;
mod support;
