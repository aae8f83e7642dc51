//! The boundary with the host: safe wrappers around the imports, the exports.

use crate::logic;
use crate::plugin::{self, Point};

/// The plugin's own state, which the host reads and writes through the pointer
/// `get_plugin_shared_value_ptr` hands out (pattern four).
static mut PLUGIN_SHARED_VALUE: i32 = 100;

pub fn log_value_from_host(value: i32) {
    unsafe { plugin::host_log_value(value) }
}

pub fn get_shared_value_from_host() -> i32 {
    unsafe { plugin::host_get_shared_value() }
}

pub fn set_shared_value_in_host(value: i32) {
    unsafe { plugin::host_set_shared_value(value) }
}

pub(crate) fn read_plugin_value_internal() -> i32 {
    unsafe { PLUGIN_SHARED_VALUE }
}

#[no_mangle]
pub extern "C" fn just_add(a: u64, b: u64) -> u64 {
    println!("[WASM FFI] just_add called with: {} + {}", a, b);
    let result = logic::perform_basic_add(a, b);
    println!("[WASM FFI] just_add result: {}", result);
    result
}

#[no_mangle]
pub extern "C" fn trigger_host_calls(n: i32) {
    println!("[WASM FFI] trigger_host_calls called with input: {}", n);
    logic::perform_host_calls_test(n);
    println!("[WASM FFI] trigger_host_calls finished.");
}

/// The world passes points by value; the wasm32 C ABI turns this into the
/// article's `point_add(result_ptr, p1_ptr, p2_ptr)` core signature.
#[no_mangle]
pub extern "C" fn point_add(a: Point, b: Point) -> Point {
    println!("[WASM FFI] point_add called with {:?} and {:?}", a, b);
    logic::add_points(a, b)
}

#[no_mangle]
pub unsafe extern "C" fn get_plugin_shared_value_ptr() -> *mut i32 {
    let ptr = core::ptr::addr_of_mut!(PLUGIN_SHARED_VALUE);
    println!("[WASM FFI] get_plugin_shared_value_ptr() -> {:?}", ptr);
    ptr
}

#[no_mangle]
pub extern "C" fn simple_add(left: u64, right: u64) -> u64 {
    println!("[WASM FFI] simple_add (verification step) called...");
    logic::perform_simple_add_and_read_internal_state(left, right)
}
