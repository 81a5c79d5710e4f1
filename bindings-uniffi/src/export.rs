//! The one place the bindings' async runtime is chosen: every exported item with
//! async methods is written inside `export_async! { ... }`, which marks it
//! `#[uniffi::export(async_runtime = "tokio")]` (so a tokio context exists while
//! the foreign side polls). The work itself runs on this crate's runtime
//! (`runtime::run`).

macro_rules! export_async {
    ($($item:item)*) => {
        $(#[uniffi::export(async_runtime = "tokio")] $item)*
    };
}
