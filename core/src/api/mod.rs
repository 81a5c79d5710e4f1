//! The data-driven API: the table of operations with each one's behaviour,
//! listing and documenting them, and checking and encoding their parameters.
//!
//! ```
//! let op = libdocker::api::find("ContainerList").unwrap();
//! assert_eq!(op.path, "/containers/json");
//! assert!(libdocker::api::ops("Exec").unwrap().iter().any(|o| o.id == "ExecStart"));
//! println!("{}", libdocker::api::doc("ContainerLogs").unwrap());
//! ```

mod doc;
mod operation;
pub(crate) mod params;
mod table;

pub use crate::version::ApiVersion;
pub use doc::{Doc, ParamDoc};
pub use operation::{
    header, op, path, query, Body, BodyKind, Category, Credentials, Flag, Location, Method, Need,
    Operation, Param, ParamType, ResponseKind, StreamErrors, Tty,
};
pub use table::OPERATIONS;

use crate::error::Error;

/// Every operation of the table (108, API v1.55).
pub fn operations() -> &'static [Operation] {
    OPERATIONS
}

/// The categories (spec tags) that have operations, in the spec's order.
pub fn categories() -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|c| OPERATIONS.iter().any(|o| o.category == *c))
        .collect()
}

/// The operations of one category (its name, any case: `"container"`, `"Image"`).
pub fn ops(category: &str) -> Result<Vec<&'static Operation>, Error> {
    let cat = Category::from_name(category).ok_or_else(|| Error::InvalidParams {
        message: format!("unknown category `{category}`"),
        valid: categories().iter().map(|c| c.to_string()).collect(),
    })?;
    Ok(OPERATIONS.iter().filter(|o| o.category == cat).collect())
}

/// An operation by its `operationId` (exact, or ignoring case).
pub fn find(id: &str) -> Result<&'static Operation, Error> {
    static BY_ID: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static Operation>> =
        std::sync::OnceLock::new();
    let by_id = BY_ID.get_or_init(|| OPERATIONS.iter().map(|o| (o.id, o)).collect());
    if let Some(op) = by_id.get(id) {
        return Ok(op);
    }
    if let Some(op) = OPERATIONS.iter().find(|o| o.id.eq_ignore_ascii_case(id)) {
        return Ok(op);
    }
    Err(unknown_operation(id))
}

/// Method, path, parameters, body and response of an operation.
pub fn doc(id: &str) -> Result<Doc, Error> {
    find(id).map(Doc::of)
}

fn unknown_operation(id: &str) -> Error {
    let lower = id.to_ascii_lowercase();
    // Suggest operations that share the category prefix or contain the text.
    let mut close: Vec<String> = OPERATIONS
        .iter()
        .filter(|o| {
            let l = o.id.to_ascii_lowercase();
            (lower.len() >= 4 && (l.contains(&lower) || lower.contains(&l)))
                || (lower.len() >= 5 && l.starts_with(&lower[..5]))
        })
        .map(|o| o.id.to_string())
        .collect();
    close.truncate(12);
    let message = if close.is_empty() {
        format!("unknown operation `{id}` (see api::operations() for all 108)")
    } else {
        format!(
            "unknown operation `{id}`; close matches: {}",
            close.join(", ")
        )
    };
    Error::InvalidParams {
        message,
        valid: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_has_108_unique_operations() {
        assert_eq!(OPERATIONS.len(), 108);
        let ids: HashSet<_> = OPERATIONS.iter().map(|o| o.id).collect();
        assert_eq!(ids.len(), 108);
        let routes: HashSet<_> = OPERATIONS.iter().map(|o| (o.method, o.path)).collect();
        assert_eq!(routes.len(), 108, "no two operations share method and path");
    }

    #[test]
    fn path_templates_and_path_params_agree() {
        for op in OPERATIONS {
            let mut in_template: Vec<&str> = op
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let mut declared: Vec<&str> = op
                .params
                .iter()
                .filter(|p| p.location == Location::Path)
                .map(|p| p.name)
                .collect();
            in_template.sort();
            declared.sort();
            assert_eq!(in_template, declared, "{}", op.id);
        }
    }

    #[test]
    fn parameters_are_unique_and_never_older_than_their_operation() {
        for op in OPERATIONS {
            let names: HashSet<_> = op.params.iter().map(|p| p.name).collect();
            assert_eq!(names.len(), op.params.len(), "{}", op.id);
            for p in op.params {
                assert!(p.since.is_known(), "{}.{}", op.id, p.name);
                assert!(op.since.is_known(), "{}", op.id);
            }
        }
    }

    #[test]
    fn lookup_and_listing() {
        assert_eq!(find("containerlist").unwrap().id, "ContainerList");
        let err = find("ContainerLst").unwrap_err().to_string();
        assert!(err.contains("ContainerList"), "{err}");
        assert_eq!(categories().len(), 15);
        assert_eq!(ops("container").unwrap().len(), 25);
        assert_eq!(ops("Exec").unwrap().len(), 4);
        let err = ops("Bogus").unwrap_err().to_string();
        assert!(
            err.contains("Container") && err.contains("Distribution"),
            "{err}"
        );
    }
}
