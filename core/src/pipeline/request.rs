//! The one place an HTTP request is built, for `invoke` and for raw requests alike:
//! `/v1.NN` + path + query, the `Host` and `User-Agent` headers, caller headers, and
//! the body with its content type.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, USER_AGENT};

use crate::body::Body;
use crate::error::Error;
use crate::version::ApiVersion;

const AGENT: &str = concat!("libdocker/", env!("CARGO_PKG_VERSION"));

/// What goes into a request.
pub(crate) struct Parts {
    pub method: http::Method,
    /// The path without the version prefix, e.g. `/containers/json`.
    pub path: String,
    /// `key=value` pairs already percent-encoded.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<&'static str>,
    pub body: Body,
    /// `Some` puts `/v1.NN` in front of the path.
    pub version: Option<ApiVersion>,
}

/// Builds the request for a daemon whose `Host` header is `host`.
pub(crate) fn build(host: &HeaderValue, parts: Parts) -> Result<http::Request<Body>, Error> {
    let mut target = String::with_capacity(parts.path.len() + 16 + parts.query.len() * 16);
    if let Some(v) = parts.version {
        target.push_str(&v.path_prefix());
    }
    target.push_str(&parts.path);
    for (i, (k, v)) in parts.query.iter().enumerate() {
        target.push(if i == 0 { '?' } else { '&' });
        target.push_str(k);
        target.push('=');
        target.push_str(v);
    }
    let uri: http::Uri = target
        .parse()
        .map_err(|e| Error::invalid(format!("`{target}` is not a valid request path: {e}")))?;

    let mut req = http::Request::new(parts.body);
    *req.method_mut() = parts.method;
    *req.uri_mut() = uri;
    let headers = req.headers_mut();
    headers.insert(HOST, host.clone());
    headers.insert(USER_AGENT, HeaderValue::from_static(AGENT));
    if let Some(ct) = parts.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    for (name, value) in parts.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid(format!("`{name}` is not a valid header name")))?;
        let v = HeaderValue::from_str(&value).map_err(|_| {
            Error::invalid(format!("the value of header `{name}` is not valid in HTTP"))
        })?;
        headers.insert(n, v);
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_versioned_paths_with_query_and_headers() {
        let req = build(
            &HeaderValue::from_static("docker"),
            Parts {
                method: http::Method::GET,
                path: "/containers/json".into(),
                query: vec![("all".into(), "1".into()), ("limit".into(), "2".into())],
                headers: vec![("X-Registry-Auth".into(), "e30=".into())],
                content_type: None,
                body: Body::empty(),
                version: Some(ApiVersion::v1(40)),
            },
        )
        .unwrap();
        assert_eq!(
            req.uri().to_string(),
            "/v1.40/containers/json?all=1&limit=2"
        );
        assert_eq!(req.headers()["host"], "docker");
        assert_eq!(req.headers()["x-registry-auth"], "e30=");
        assert!(req.headers()["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("libdocker/"));
    }
}
