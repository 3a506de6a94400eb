//! Compile-fail cases: each misuse of `#[metered]` has a `.stderr` file with
//! the exact message and the token it points at.
//!
//! After a deliberate change of a message, refresh the files with
//! `TRYBUILD=overwrite cargo test -p rustok-metrics-tests --test ui` and
//! review the diff. The `.stderr` files were written by rustc 1.95, the
//! toolchain of our development and CI machines; another compiler version may
//! word the compiler's own errors (not ours) differently.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
