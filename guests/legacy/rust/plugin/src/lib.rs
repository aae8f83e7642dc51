//! The plugin of shared/scenarios.md scenario 5, as the article writes it: a
//! Rust core module with `extern "C"` imports from `env` and `#[no_mangle]`
//! exports, printing through WASI. Adapted to Rust 1.63 (Debian's rustc):
//! `extern "C"` blocks without `unsafe`, `addr_of_mut!` instead of `&raw mut`.
//!
//! The world's imports, the `Point` layout and the export signatures come from
//! `plugin.rs`, generated from wit/plugin.wit by
//! `witgen guest rust wit/plugin.wit --world plugin --abi legacy`: a
//! disagreement with the WIT is a compile error, not a wrong value at run time.
//! `get_plugin_shared_value_ptr` and `simple_add` are exports outside the
//! world (patterns four and five: the host pokes the plugin's memory).
//! scripts/build-guests.mjs also exports wasi-libc's `malloc`/`free` (linker
//! `--export`), which a typed host uses to pass `Point`s by pointer.

mod ffi;
mod logic;
mod plugin;

pub use ffi::{get_plugin_shared_value_ptr, just_add, point_add, simple_add, trigger_host_calls};
pub use plugin::Point;

plugin_check_exports!(plugin);
