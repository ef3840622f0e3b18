//! `uniffi-bindgen`, pinned to the uniffi version of `jenga-stk-uniffi`.
//!
//! Library mode: `uniffi-bindgen generate target/debug/libjenga_stk_uniffi.so
//! --language kotlin --language swift --language python --out-dir DIR`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
