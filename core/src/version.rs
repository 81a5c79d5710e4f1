//! Engine API versions (`1.25` … `1.55`): parsing, ordering, and the known range.

use std::fmt;
use std::str::FromStr;

/// An Engine API version such as `1.41`. Every version this client knows is `1.x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    major: u16,
    minor: u16,
}

impl ApiVersion {
    /// The oldest version the client speaks (the oldest published as a spec).
    pub const MIN: ApiVersion = ApiVersion::new(1, 25);
    /// The newest version the client speaks; the ceiling of negotiation.
    pub const MAX: ApiVersion = ApiVersion::new(1, 55);

    /// A version from its parts.
    pub const fn new(major: u16, minor: u16) -> Self {
        ApiVersion { major, minor }
    }

    /// `1.minor`, the form every version of the table has.
    pub const fn v1(minor: u16) -> Self {
        ApiVersion { major: 1, minor }
    }

    pub const fn major(self) -> u16 {
        self.major
    }

    pub const fn minor(self) -> u16 {
        self.minor
    }

    /// Whether the client knows this version (1.25 ..= 1.55).
    pub fn is_known(self) -> bool {
        self >= Self::MIN && self <= Self::MAX
    }

    /// Every version the client knows, oldest first.
    pub fn known() -> impl Iterator<Item = ApiVersion> {
        (Self::MIN.minor..=Self::MAX.minor).map(ApiVersion::v1)
    }

    /// The path prefix every request carries, e.g. `/v1.41`.
    pub fn path_prefix(self) -> String {
        format!("/v{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A text that is not an API version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidApiVersion(String);

impl fmt::Display for InvalidApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an API version (expected e.g. 1.41)", self.0)
    }
}

impl std::error::Error for InvalidApiVersion {}

impl FromStr for ApiVersion {
    type Err = InvalidApiVersion;

    /// Parses `1.41` or `v1.41`.
    fn from_str(s: &str) -> Result<Self, InvalidApiVersion> {
        let t = s.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let bad = || InvalidApiVersion(s.to_string());
        let (major, minor) = t.split_once('.').ok_or_else(bad)?;
        let major = major.parse().map_err(|_| bad())?;
        let minor = minor.parse().map_err(|_| bad())?;
        Ok(ApiVersion { major, minor })
    }
}

impl serde::Serialize for ApiVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ApiVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a: ApiVersion = "1.41".parse().unwrap();
        let b: ApiVersion = "v1.9".parse().unwrap();
        assert_eq!(a, ApiVersion::v1(41));
        assert!(b < a, "1.9 sorts before 1.41 numerically");
        assert_eq!(a.path_prefix(), "/v1.41");
        assert!("141".parse::<ApiVersion>().is_err());
        assert!("1.x".parse::<ApiVersion>().is_err());
    }

    #[test]
    fn knows_every_version_from_1_25_to_1_55() {
        let all: Vec<_> = ApiVersion::known().collect();
        assert_eq!(all.len(), 31);
        assert_eq!(all[0].to_string(), "1.25");
        assert_eq!(all[30].to_string(), "1.55");
        assert!(!ApiVersion::v1(24).is_known());
        assert!(!ApiVersion::v1(56).is_known());
    }
}
