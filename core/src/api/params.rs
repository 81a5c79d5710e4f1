//! Checking `invoke` parameters against the table and encoding them the way the
//! daemon reads them: path segments percent-encoded, booleans as `1`/`0`, filters
//! and other structured values as JSON, lists as repeated keys, credentials as
//! base64url JSON headers.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use super::operation::{BodyKind, Location, Operation, ParamType};
use crate::config::credentials::encode_auth;
use crate::error::Error;
use crate::version::ApiVersion;

/// Characters escaped in a path segment. `/` stays: image names such as
/// `library/busybox` are matched by the daemon's router as they are.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Characters escaped in a query key or value: everything but RFC 3986 unreserved.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An operation's parameters, checked and encoded.
#[derive(Debug, Default)]
pub(crate) struct Encoded {
    /// The path with its parameters substituted (without the version prefix).
    pub path: String,
    /// `key=value` pairs, already percent-encoded.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, when the operation takes one and it was given.
    pub json_body: Option<Value>,
    /// A raw body given inline as a string (tar/bytes operations).
    pub raw_body: Option<String>,
}

/// Checks `params` against the operation (names, types, required) and encodes them.
/// Version checks are separate ([`check_version`]): they need the negotiated version.
pub(crate) fn encode(op: &Operation, params: &Map<String, Value>) -> Result<Encoded, Error> {
    let mut out = Encoded::default();
    let mut path_values: Vec<(&str, String)> = Vec::new();
    for (name, value) in params {
        if value.is_null() {
            continue;
        }
        if let Some(param) = op.param(name) {
            let what = || format!("parameter `{name}` of {}", op.id);
            match param.location {
                Location::Path => {
                    let s = scalar_string(value)
                        .ok_or_else(|| type_error(op, name, "string", value))?;
                    if s.is_empty() {
                        return Err(Error::invalid(format!("{} must not be empty", what())));
                    }
                    path_values.push((
                        param.name,
                        utf8_percent_encode(&s, PATH_SEGMENT).to_string(),
                    ));
                }
                Location::Query => {
                    for v in encode_value(op, name, param.ty, value)? {
                        out.query.push((
                            utf8_percent_encode(name, QUERY_COMPONENT).to_string(),
                            utf8_percent_encode(&v, QUERY_COMPONENT).to_string(),
                        ));
                    }
                }
                Location::Header => {
                    let mut values = encode_value(op, name, param.ty, value)?;
                    let v = values.pop().unwrap_or_default();
                    if http::HeaderValue::from_str(&v).is_err() {
                        return Err(Error::invalid(format!(
                            "{} holds characters not allowed in an HTTP header",
                            what()
                        )));
                    }
                    out.headers.push((param.name, v));
                }
            }
        } else if is_body_name(op, name) {
            match op.body.kind {
                BodyKind::Json => {
                    if out.json_body.is_some() {
                        return Err(Error::invalid(format!(
                            "the body of {} was given twice (as `{}` and `body`)",
                            op.id, op.body.name
                        )));
                    }
                    out.json_body = Some(value.clone());
                }
                _ => {
                    let s = value.as_str().ok_or_else(|| {
                        Error::invalid(format!(
                            "the {} body of {} is bytes: pass it as a body stream, not as `{name}`",
                            op.body.kind.as_str(),
                            op.id
                        ))
                    })?;
                    out.raw_body = Some(s.to_string());
                }
            }
        } else {
            return Err(Error::InvalidParams {
                message: format!("{} has no parameter `{name}`", op.id),
                valid: op.valid_names(),
            });
        }
    }

    for p in op.params.iter().filter(|p| p.required) {
        let given = params.get(p.name).is_some_and(|v| !v.is_null());
        if !given {
            return Err(Error::InvalidParams {
                message: format!(
                    "{} needs the {} parameter `{}`",
                    op.id,
                    p.location.as_str(),
                    p.name
                ),
                valid: op.valid_names(),
            });
        }
    }
    out.path = substitute(op.path, &path_values);
    Ok(out)
}

/// Refuses an operation, or a given parameter, newer than `version`; returns the
/// names of given parameters to leave out instead: newer than `version`, but
/// given with the value the daemon assumes without them (see [`Param::default`]).
///
/// [`Param::default`]: super::Param::default
pub(crate) fn check_version(
    op: &Operation,
    params: &Map<String, Value>,
    version: ApiVersion,
) -> Result<Vec<&'static str>, Error> {
    if op.since > version {
        return Err(Error::UnsupportedApiVersion {
            what: format!("operation {}", op.id),
            required: op.since,
            using: version,
        });
    }
    let mut left_out = Vec::new();
    for (name, value) in params {
        if value.is_null() {
            continue;
        }
        let Some(p) = op.param(name) else { continue };
        if p.since <= version {
            continue;
        }
        let is_default = p.default.is_some_and(|d| {
            encode_value(op, name, p.ty, value).is_ok_and(|v| v.len() == 1 && v[0] == d)
        });
        if !is_default {
            return Err(Error::UnsupportedApiVersion {
                what: format!("parameter `{name}` of {}", op.id),
                required: p.since,
                using: version,
            });
        }
        left_out.push(p.name);
    }
    Ok(left_out)
}

fn is_body_name(op: &Operation, name: &str) -> bool {
    op.body.kind != BodyKind::None && (name == op.body.name || name == "body")
}

fn substitute(template: &str, values: &[(&str, String)]) -> String {
    let mut path = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        path.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        let name = &rest[start + 1..end];
        if let Some((_, v)) = values.iter().find(|(n, _)| *n == name) {
            path.push_str(v);
        }
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    path
}

/// Encodes one value by type; a list type gives one string per repeated key.
fn encode_value(
    op: &Operation,
    name: &str,
    ty: ParamType,
    value: &Value,
) -> Result<Vec<String>, Error> {
    let one = |s: String| Ok(vec![s]);
    match ty {
        ParamType::Bool => match value {
            Value::Bool(b) => one(if *b { "1" } else { "0" }.to_string()),
            _ => Err(type_error(op, name, "a boolean", value)),
        },
        ParamType::Int => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => one(n.to_string()),
            _ => Err(type_error(op, name, "an integer", value)),
        },
        ParamType::Str => scalar_string(value)
            .map(|s| vec![s])
            .ok_or_else(|| type_error(op, name, "a string", value)),
        ParamType::Timestamp => match value {
            Value::Number(n) => one(n.to_string()),
            Value::String(s) => one(s.clone()),
            _ => Err(type_error(
                op,
                name,
                "a timestamp (seconds or a string)",
                value,
            )),
        },
        ParamType::StrList => match value {
            Value::Array(items) => items
                .iter()
                .map(|v| {
                    scalar_string(v).ok_or_else(|| type_error(op, name, "a list of strings", value))
                })
                .collect(),
            Value::String(s) => one(s.clone()),
            _ => Err(type_error(op, name, "a list of strings", value)),
        },
        ParamType::Filters => match value {
            Value::String(s) => one(s.clone()),
            Value::Object(map) if map.is_empty() => Ok(Vec::new()),
            Value::Object(map) => one(filters_json(name, map)?),
            _ => Err(type_error(
                op,
                name,
                "a filters map such as {\"label\": [\"a=b\"]}",
                value,
            )),
        },
        ParamType::Encoded => match value {
            Value::String(s) => one(s.clone()),
            v => one(v.to_string()),
        },
        ParamType::EncodedList => match value {
            Value::Array(items) => Ok(items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                })
                .collect()),
            Value::String(s) => one(s.clone()),
            v => one(v.to_string()),
        },
        ParamType::Auth => match value {
            Value::String(s) => one(s.clone()),
            Value::Object(_) => one(encode_auth(value)),
            _ => Err(type_error(
                op,
                name,
                "credentials (an object or an encoded string)",
                value,
            )),
        },
    }
}

/// `{"status": "running", "label": ["a", "b"]}` → `{"status":["running"],"label":["a","b"]}`.
/// The daemon's older `{"label": {"a": true}}` form is passed through.
fn filters_json(name: &str, map: &Map<String, Value>) -> Result<String, Error> {
    let mut out = Map::with_capacity(map.len());
    for (key, v) in map {
        let normalized = match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                Value::Array(vec![Value::String(scalar_string(v).unwrap_or_default())])
            }
            Value::Array(items) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    let s = scalar_string(item).ok_or_else(|| {
                        Error::invalid(format!(
                            "filter `{key}` of `{name}` must hold strings, got {item}"
                        ))
                    })?;
                    list.push(Value::String(s));
                }
                Value::Array(list)
            }
            Value::Object(_) => v.clone(),
            Value::Null => continue,
        };
        out.insert(key.clone(), normalized);
    }
    Ok(Value::Object(out).to_string())
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn type_error(op: &Operation, name: &str, expected: &str, got: &Value) -> Error {
    let mut shown = got.to_string();
    if shown.len() > 60 {
        shown.truncate(57);
        shown.push_str("...");
    }
    Error::InvalidParams {
        message: format!(
            "parameter `{name}` of {} must be {expected}, got {shown}",
            op.id
        ),
        valid: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::find;
    use serde_json::json;

    fn enc(op: &str, params: Value) -> Result<Encoded, Error> {
        encode(find(op).unwrap(), params.as_object().unwrap())
    }

    #[test]
    fn query_values_are_encoded_the_way_the_daemon_reads_them() {
        let e = enc(
            "ContainerList",
            json!({"all": true, "limit": 3, "size": false, "filters": {"status": "running", "label": ["a=b c"]}}),
        )
        .unwrap();
        let q: Vec<String> = e.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert!(q.contains(&"all=1".to_string()));
        assert!(q.contains(&"size=0".to_string()));
        assert!(q.contains(&"limit=3".to_string()));
        let filters = e.query.iter().find(|(k, _)| k == "filters").unwrap();
        let decoded = percent_encoding::percent_decode_str(&filters.1)
            .decode_utf8()
            .unwrap();
        let v: Value = serde_json::from_str(&decoded).unwrap();
        assert_eq!(v, json!({"status": ["running"], "label": ["a=b c"]}));
    }

    #[test]
    fn path_params_are_substituted_and_escaped() {
        let e = enc("ImageInspect", json!({"name": "localhost:5000/a b#c"})).unwrap();
        assert_eq!(e.path, "/images/localhost:5000/a%20b%23c/json");
        let e = enc("ContainerArchive", json!({"id": "x", "path": "/etc/a b"})).unwrap();
        assert_eq!(e.path, "/containers/x/archive");
        assert_eq!(
            e.query,
            vec![("path".to_string(), "%2Fetc%2Fa%20b".to_string())]
        );
    }

    #[test]
    fn lists_repeat_their_key() {
        let e = enc("ImageGetAll", json!({"names": ["a:1", "b:2"]})).unwrap();
        assert_eq!(
            e.query,
            vec![
                ("names".into(), "a%3A1".into()),
                ("names".into(), "b%3A2".into())
            ]
        );
    }

    #[test]
    fn unknown_wrong_and_missing_params_are_refused_with_the_valid_list() {
        let err = enc("ContainerList", json!({"alll": true})).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`alll`") && text.contains("all, limit, size, filters"),
            "{text}"
        );
        let err = enc("ContainerList", json!({"all": "yes"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be a boolean"), "{err}");
        let err = enc("ContainerRename", json!({"id": "x"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`name`"), "{err}");
        let err = enc("ContainerInspect", json!({})).unwrap_err().to_string();
        assert!(err.contains("`id`"), "{err}");
    }

    #[test]
    fn bodies_and_headers() {
        let e = enc("NetworkCreate", json!({"networkConfig": {"Name": "n"}})).unwrap();
        assert_eq!(e.json_body, Some(json!({"Name": "n"})));
        let e = enc("NetworkCreate", json!({"body": {"Name": "n"}})).unwrap();
        assert_eq!(e.json_body, Some(json!({"Name": "n"})));
        let e = enc(
            "ImagePush",
            json!({"name": "x", "X-Registry-Auth": {"username": "u"}}),
        )
        .unwrap();
        let (_, v) = &e.headers[0];
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::URL_SAFE.decode(v).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&decoded).unwrap(),
            json!({"username": "u"})
        );
    }

    #[test]
    fn null_means_not_given() {
        let e = enc("ContainerList", json!({"all": null, "filters": {}})).unwrap();
        assert!(e.query.is_empty());
    }

    #[test]
    fn newer_operations_and_params_are_refused_by_version() {
        let op = find("ContainerStop").unwrap();
        let p = json!({"id": "x", "signal": "SIGTERM"});
        let err = check_version(op, p.as_object().unwrap(), ApiVersion::v1(41)).unwrap_err();
        assert!(matches!(err, Error::UnsupportedApiVersion { .. }));
        assert!(err.to_string().contains("signal"), "{err}");
        check_version(op, p.as_object().unwrap(), ApiVersion::v1(42)).unwrap();
        let op = find("ImageAttestations").unwrap();
        let err = check_version(op, &Map::new(), ApiVersion::v1(41))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ImageAttestations") && err.contains("1.55"),
            "{err}"
        );
    }

    #[test]
    fn a_newer_parameter_at_its_default_is_left_out_for_older_daemons() {
        let op = find("ContainerWait").unwrap();
        let default = json!({"id": "x", "condition": "not-running"});
        let left_out = check_version(op, default.as_object().unwrap(), ApiVersion::v1(25));
        assert_eq!(left_out.unwrap(), vec!["condition"]);
        assert!(
            check_version(op, default.as_object().unwrap(), ApiVersion::v1(30))
                .unwrap()
                .is_empty()
        );
        let other = json!({"id": "x", "condition": "next-exit"});
        let err = check_version(op, other.as_object().unwrap(), ApiVersion::v1(25)).unwrap_err();
        assert!(err.to_string().contains("condition"), "{err}");
    }
}
