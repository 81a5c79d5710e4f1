//! `include/docker.h` is what cbindgen makes of `ffi-c/src` now: a change to the
//! ABI without the regenerated header fails here. `LIBDOCKER_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn the_checked_in_header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads ffi-c/src")
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = crate_dir.join("../include/docker.h");
    if std::env::var_os("LIBDOCKER_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/docker.h is out of date: run `LIBDOCKER_BLESS=1 cargo test -p libdocker-ffi --test header`"
    );
}
