//! The C ABI of libdocker. Its functions arrive with the C bindings issue; the crate
//! exists so the workspace layout (and `libdocker.so`'s name) is fixed from the start.
