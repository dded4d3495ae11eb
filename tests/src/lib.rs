//! Shared helpers for strata-tests.
