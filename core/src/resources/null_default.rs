//! The daemon sends `null` for empty lists and maps; models read it as empty.

use serde::{Deserialize, Deserializer};

/// `#[serde(deserialize_with = "null_default")]`: `null` (or absent, with
/// `#[serde(default)]`) becomes `T::default()`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
