//! `cargo run -p uniffi-bindgen -- generate --library target/debug/liblibdocker_uniffi.so
//! --language kotlin --out-dir OUT`: the generator of the uniffi version the
//! bindings are built with (the workspace pins one).

fn main() {
    uniffi::uniffi_bindgen_main()
}
