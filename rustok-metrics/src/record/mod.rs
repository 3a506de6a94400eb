//! Recording calls, and nothing else: a clock, per-thread stripes of
//! counters, and the guard that turns one call into exactly one recorded
//! [`Status`](crate::outcome::Status) (how it ended, from the leaf
//! `outcome`). This folder knows nothing of Prometheus, modules or label
//! names; `module` and `http` give its counts their meaning. Exemplars come
//! from `trace`, a leaf.

mod bounded_table;
mod clock;
mod exemplar_slot;
mod guard;
mod native;
mod native_notes;
mod native_window;
mod recorder;
mod stripe;
mod tags;
mod thread_slot;

pub(crate) use bounded_table::BoundedTable;
pub(crate) use guard::{EndsOn, Guard, Started};
pub(crate) use native::{MAX_SCHEMA, MIN_SCHEMA, NativeBuckets, NativeLayout};
pub(crate) use recorder::{Recorder, Snapshot};
