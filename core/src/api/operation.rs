//! What an operation is, as data: method, path, parameters, body and response kinds,
//! and the API version it appeared in. The table of all operations is in `table.rs`.

use std::fmt;

use crate::version::ApiVersion;

/// The operation's tag in the Engine API spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    Container,
    Image,
    System,
    Exec,
    Volume,
    Network,
    Plugin,
    Node,
    Swarm,
    Service,
    Task,
    Secret,
    Config,
    Distribution,
    Session,
}

impl Category {
    /// Every category, in the spec's order.
    pub const ALL: [Category; 15] = [
        Category::Container,
        Category::Image,
        Category::System,
        Category::Exec,
        Category::Volume,
        Category::Network,
        Category::Plugin,
        Category::Node,
        Category::Swarm,
        Category::Service,
        Category::Task,
        Category::Secret,
        Category::Config,
        Category::Distribution,
        Category::Session,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Container => "Container",
            Category::Image => "Image",
            Category::System => "System",
            Category::Exec => "Exec",
            Category::Volume => "Volume",
            Category::Network => "Network",
            Category::Plugin => "Plugin",
            Category::Node => "Node",
            Category::Swarm => "Swarm",
            Category::Service => "Service",
            Category::Task => "Task",
            Category::Secret => "Secret",
            Category::Config => "Config",
            Category::Distribution => "Distribution",
            Category::Session => "Session",
        }
    }

    /// Looks a category up by name, ignoring case.
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }

    pub(crate) fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
            Method::Head => http::Method::HEAD,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// A parameter's type, and so how a JSON value is checked and encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `true`/`false`, sent as `1`/`0`.
    Bool,
    /// A JSON integer, sent in decimal.
    Int,
    /// A string (numbers are accepted and written as they are).
    Str,
    /// A list of strings, sent as the key repeated (`names=a&names=b`).
    StrList,
    /// A filters map (`{"label": ["a=b"], "status": "running"}`), sent as JSON;
    /// a lone string value is taken as a one-element list, a string as JSON already encoded.
    Filters,
    /// Any JSON value, sent JSON-encoded (a string is sent as it is).
    Encoded,
    /// A list of JSON values, each JSON-encoded, sent as the key repeated.
    EncodedList,
    /// A Unix time: integer or fractional seconds, or a string the daemon parses (`10m`, RFC 3339).
    Timestamp,
    /// A registry credential header: an object (`username`, `password`, … or
    /// a map of registries for `X-Registry-Config`) sent as base64url JSON, or a string sent as is.
    Auth,
}

impl ParamType {
    /// The type's name in `doc` output.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::Bool => "boolean",
            ParamType::Int => "integer",
            ParamType::Str => "string",
            ParamType::StrList => "array<string>",
            ParamType::Filters => "filters",
            ParamType::Encoded => "json",
            ParamType::EncodedList => "array<json>",
            ParamType::Timestamp => "timestamp",
            ParamType::Auth => "registry-auth",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub location: Location,
    pub ty: ParamType,
    pub required: bool,
    /// The API version the parameter appeared in.
    pub since: ApiVersion,
    /// What the daemon does without it, as the parameter is encoded (`"0"` for
    /// false): given with this value to a daemon older than `since`, it is left
    /// out instead of refused, since that daemon behaves so anyway.
    pub default: Option<&'static str>,
}

impl Param {
    /// Marks the parameter as required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the API version (`1.minor`) the parameter appeared in.
    pub const fn since(mut self, minor: u16) -> Self {
        self.since = ApiVersion::v1(minor);
        self
    }

    /// Sets what the daemon does without the parameter (see [`Param::default`]).
    pub const fn default(mut self, encoded: &'static str) -> Self {
        self.default = Some(encoded);
        self
    }
}

/// A path parameter (always required, percent-encoded into the path).
pub const fn path(name: &'static str) -> Param {
    Param {
        name,
        location: Location::Path,
        ty: ParamType::Str,
        required: true,
        since: ApiVersion::MIN,
        default: None,
    }
}

/// A query parameter.
pub const fn query(name: &'static str, ty: ParamType) -> Param {
    Param {
        name,
        location: Location::Query,
        ty,
        required: false,
        since: ApiVersion::MIN,
        default: None,
    }
}

/// A header parameter.
pub const fn header(name: &'static str, ty: ParamType) -> Param {
    Param {
        name,
        location: Location::Header,
        ty,
        required: false,
        since: ApiVersion::MIN,
        default: None,
    }
}

/// What the request body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON document, given as the parameter named by [`Body::name`] (or `body`).
    Json,
    /// A tar archive (build context, archive upload), given as a byte stream.
    Tar,
    /// Other raw bytes (an image tarball for import/load), given as a byte stream.
    Bytes,
}

impl BodyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::None => "none",
            BodyKind::Json => "json",
            BodyKind::Tar => "tar",
            BodyKind::Bytes => "bytes",
        }
    }
}

/// The request body an operation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    pub kind: BodyKind,
    /// The spec's name for the body parameter (`body`, `networkConfig`, …).
    pub name: &'static str,
    pub required: bool,
}

/// Whether a body is required (used by the table's constructors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// How the response body is delivered, and so what `invoke` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// One JSON document.
    Json,
    /// No meaningful body.
    Empty,
    /// A short text (`/_ping` answers `OK`).
    Text,
    /// One JSON value after another (progress messages, events, stats).
    JsonStream,
    /// stdout/stderr of a process: 8-byte framed when the container has no TTY, raw when it has.
    Multiplexed,
    /// A tar archive, streamed.
    Tar,
    /// Other bytes, streamed (a container export).
    Bytes,
    /// The connection is hijacked for both directions (attach, exec, session).
    Upgrade,
    /// A file's stat, sent base64 JSON in the `X-Docker-Container-Path-Stat` header.
    PathStat,
}

impl ResponseKind {
    /// The kind's name as `ops.py` writes it (`cargo run --example ops`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseKind::Json
            | ResponseKind::Empty
            | ResponseKind::Text
            | ResponseKind::PathStat => "single",
            ResponseKind::JsonStream => "json-stream",
            ResponseKind::Multiplexed => "raw-stream",
            ResponseKind::Tar => "tar",
            ResponseKind::Bytes => "octet-stream",
            ResponseKind::Upgrade => "hijack",
        }
    }

    /// A finer name than [`as_str`](Self::as_str), used by `doc`.
    pub fn detail(self) -> &'static str {
        match self {
            ResponseKind::Json => "json",
            ResponseKind::Empty => "empty",
            ResponseKind::Text => "text",
            ResponseKind::JsonStream => "json-stream",
            ResponseKind::Multiplexed => "raw-stream (multiplexed unless tty)",
            ResponseKind::Tar => "tar",
            ResponseKind::Bytes => "bytes",
            ResponseKind::Upgrade => "hijack",
            ResponseKind::PathStat => "json (from X-Docker-Container-Path-Stat)",
        }
    }
}

/// Which items of an operation's JSON stream report a failure, and what they
/// become. The daemon answers these operations with 200 before it knows how they
/// end, and reports a failure as an item with `error` / `errorDetail`: such an
/// item ends the stream with an error, so that a failure never looks like success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamErrors {
    /// Items are data, never failures (events, stats), or there is no JSON stream.
    None,
    /// `Error::Progress` naming the action (`pull`, `push`, …), or `Unauthorized`
    /// / `NotFound` when the registry's message says so.
    Progress(&'static str),
    /// `Error::BuildFailed`, carrying the output of the step that failed.
    Build,
}

/// Registry credentials filled in from the docker CLI's configuration
/// (`config.json` `auths`, `credsStore`, `credHelpers`) when the caller gives
/// none. A failure of an operation that talks to a registry (any rule but `None`)
/// is read as the registry's: a refused login is `Unauthorized`, an unknown
/// image `NotFound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// None needed.
    None,
    /// `X-Registry-Auth` for the registry of the image (or plugin) named by this
    /// parameter; `{}` when the configuration has none, as the CLI sends.
    ImageNamedBy(&'static str),
    /// `X-Registry-Auth` for the registry of the service's image
    /// (`TaskTemplate.ContainerSpec.Image` in the body), when the configuration has some.
    ServiceImage,
    /// `X-Registry-Config` with every registry's credentials (a build may pull
    /// any base image).
    AllRegistries,
    /// The call carries credentials itself (a login): none are looked up, but
    /// its failures are read as a registry's.
    InBody,
}

/// Where the TTY setting that frames an operation's output comes from. From API
/// 1.42 the daemon says in the content type; before, it must be looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tty {
    /// The output is not a process's (no framing question).
    None,
    /// The container's `Config.Tty`, the container named by this parameter.
    Container(&'static str),
    /// The exec start body's `Tty`.
    ExecBody,
    /// The service's `Spec.TaskTemplate.ContainerSpec.TTY`, the service named by this parameter.
    Service(&'static str),
    /// The task's `Spec.ContainerSpec.TTY`, the task named by this parameter.
    Task(&'static str),
}

/// A flag of the call that changes what the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// A boolean parameter with this value.
    Param(&'static str, bool),
    /// A boolean field of the JSON body with this value.
    BodyField(&'static str, bool),
}

/// One operation of the Engine API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `ContainerList`.
    pub id: &'static str,
    pub category: Category,
    pub method: Method,
    /// Path template, e.g. `/containers/{id}/json`.
    pub path: &'static str,
    pub params: &'static [Param],
    pub body: Body,
    pub response: ResponseKind,
    /// The API version the operation appeared in.
    pub since: ApiVersion,
    /// For upgraded connections: the protocol asked for in `Upgrade:`.
    pub upgrade: &'static str,
    /// The daemon may take long before its answer starts (it waits for a process,
    /// reads an upload, or walks the disk): the client's default request timeout
    /// does not apply; a per-call timeout still does.
    pub slow: bool,
    /// Sent before the API version is known, without the `/v1.NN` prefix (the
    /// ping, which negotiation itself uses); with the prefix once it is known.
    pub unversioned: bool,
    /// Which items of its JSON stream are failures.
    pub stream_errors: StreamErrors,
    /// Which registry credentials it takes from the CLI configuration.
    pub credentials: Credentials,
    /// Where its output's TTY setting comes from.
    pub tty: Tty,
    /// A flag that makes it answer another kind (a detached exec answers nothing).
    pub answers_if: Option<(Flag, ResponseKind)>,
    /// An update naming the object's version (`version`): when the daemon refuses
    /// it as out of sequence, the object's current version is read with this
    /// inspect operation, given the same parameter (`None`: the swarm itself).
    pub sequenced: Option<(&'static str, Option<&'static str>)>,
}

/// An operation without parameters or body (the table adds them).
pub const fn op(
    id: &'static str,
    category: Category,
    method: Method,
    path: &'static str,
    response: ResponseKind,
) -> Operation {
    Operation {
        id,
        category,
        method,
        path,
        params: &[],
        body: Body {
            kind: BodyKind::None,
            name: "",
            required: false,
        },
        response,
        since: ApiVersion::MIN,
        upgrade: "tcp",
        slow: false,
        unversioned: false,
        stream_errors: StreamErrors::None,
        credentials: Credentials::None,
        tty: Tty::None,
        answers_if: None,
        sequenced: None,
    }
}

impl Operation {
    pub const fn params(mut self, params: &'static [Param]) -> Self {
        self.params = params;
        self
    }

    pub const fn since(mut self, minor: u16) -> Self {
        self.since = ApiVersion::v1(minor);
        self
    }

    pub const fn json_body(self, name: &'static str, need: Need) -> Self {
        self.with_body(BodyKind::Json, name, need)
    }

    pub const fn tar_body(self, name: &'static str, need: Need) -> Self {
        self.with_body(BodyKind::Tar, name, need)
    }

    pub const fn bytes_body(self, name: &'static str, need: Need) -> Self {
        self.with_body(BodyKind::Bytes, name, need)
    }

    pub const fn slow(mut self) -> Self {
        self.slow = true;
        self
    }

    pub const fn upgrade_to(mut self, protocol: &'static str) -> Self {
        self.upgrade = protocol;
        self
    }

    pub const fn unversioned(mut self) -> Self {
        self.unversioned = true;
        self
    }

    pub const fn stream_errors(mut self, rule: StreamErrors) -> Self {
        self.stream_errors = rule;
        self
    }

    pub const fn credentials(mut self, rule: Credentials) -> Self {
        self.credentials = rule;
        self
    }

    pub const fn tty(mut self, rule: Tty) -> Self {
        self.tty = rule;
        self
    }

    pub const fn answers_if(mut self, flag: Flag, kind: ResponseKind) -> Self {
        self.answers_if = Some((flag, kind));
        self
    }

    /// An update of the version it names (see [`Operation::sequenced`]).
    pub const fn sequenced(mut self, inspect: &'static str, param: Option<&'static str>) -> Self {
        self.sequenced = Some((inspect, param));
        self
    }

    const fn with_body(mut self, kind: BodyKind, name: &'static str, need: Need) -> Self {
        self.body = Body {
            kind,
            name,
            required: matches!(need, Need::Required),
        };
        self
    }

    /// A parameter by name.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Names of everything `invoke` accepts for this operation, body included.
    pub fn valid_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.params.iter().map(|p| p.name.to_string()).collect();
        if self.body.kind == BodyKind::Json {
            names.push(self.body.name.to_string());
            if self.body.name != "body" {
                names.push("body".to_string());
            }
        }
        names
    }
}
