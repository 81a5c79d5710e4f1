//! YAML (and JSON, which it contains) read into a tree that remembers the line of
//! every key and value, so that the map loader can name where a wrong key is.
//! Anchors, aliases and merge keys (`<<: *defaults`), which Compose files use,
//! are resolved here.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A value and the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string, and whether it was quoted (a quoted `"1"` stays a string).
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order; a key is a scalar's text.
    Map(Vec<(Key, Node)>),
}

/// A mapping's key and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: usize,
}

impl Node {
    /// What a user calls this kind of value in a message.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar as text (numbers and booleans as written), or `None`.
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Why a text is not YAML: the line and what the parser said.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

/// Reads one YAML document. An empty text is `Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, true).map_err(|e| SyntaxError {
        line: e.marker().line(),
        message: e.info().to_string(),
    })?;
    if let Some(message) = builder.error {
        return Err(message);
    }
    match builder.documents.len() {
        0 => Ok(Node {
            value: Value::Null,
            line: 1,
        }),
        1 => Ok(builder.documents.pop().expect("one document")),
        _ => Err(SyntaxError {
            line: builder.documents[1].line,
            message: "a map is one YAML document; this text has several (`---`)".into(),
        }),
    }
}

/// A container being filled: its anchor, its line, and what it holds so far.
enum Open {
    Seq {
        anchor: usize,
        line: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        line: usize,
        entries: Vec<(Key, Node)>,
        /// A key read, waiting for its value.
        key: Option<Key>,
        /// Mappings merged in with `<<`, applied when the mapping ends.
        merges: Vec<Node>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    error: Option<SyntaxError>,
}

impl Builder {
    fn fail(&mut self, line: usize, message: String) {
        if self.error.is_none() {
            self.error = Some(SyntaxError { line, message });
        }
    }

    /// Puts a finished value where it belongs: a key or value of the open
    /// mapping, an item of the open list, or a document.
    fn place(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => match node.as_text() {
                    Some(name) => {
                        *key = Some(Key {
                            name,
                            line: node.line,
                        })
                    }
                    None if node.value == Value::Null => {
                        *key = Some(Key {
                            name: String::new(),
                            line: node.line,
                        })
                    }
                    None => {
                        let line = node.line;
                        self.fail(line, format!("a key must be text, not {}", node.kind()));
                    }
                },
                Some(k) if k.name == "<<" => merges.push(node),
                Some(k) => {
                    if entries.iter().any(|(e, _)| e.name == k.name) {
                        let message = format!("the key `{}` appears twice", k.name);
                        self.fail(k.line, message);
                    } else {
                        entries.push((k, node));
                    }
                }
            },
        }
    }

    fn close_map(&mut self, mut entries: Vec<(Key, Node)>, merges: Vec<Node>, line: usize) -> Node {
        // Keys written in the mapping win over merged ones; earlier merges win over later.
        for merged in merges {
            let sources = match merged.value {
                Value::Map(_) => vec![merged],
                Value::Seq(items) => items,
                _ => {
                    self.fail(
                        merged.line,
                        "`<<` merges a mapping or a list of mappings".into(),
                    );
                    continue;
                }
            };
            for source in sources {
                let Value::Map(more) = source.value else {
                    self.fail(
                        source.line,
                        "`<<` merges a mapping or a list of mappings".into(),
                    );
                    continue;
                };
                for (k, v) in more {
                    if !entries.iter().any(|(e, _)| e.name == k.name) {
                        entries.push((k, v));
                    }
                }
            }
        }
        Node {
            value: Value::Map(entries),
            line,
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let value = if style == TScalarStyle::Plain {
                    plain(text)
                } else {
                    Value::Str(text)
                };
                self.place(Node { value, line }, anchor);
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(node) => self.place(node, 0),
                None => self.fail(line, "an alias names no anchor defined before it".into()),
            },
            Event::SequenceStart(anchor, _) => self.stack.push(Open::Seq {
                anchor,
                line,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Open::Map {
                anchor,
                line,
                entries: Vec::new(),
                key: None,
                merges: Vec::new(),
            }),
            Event::SequenceEnd => {
                if let Some(Open::Seq {
                    anchor,
                    line,
                    items,
                }) = self.stack.pop()
                {
                    self.place(
                        Node {
                            value: Value::Seq(items),
                            line,
                        },
                        anchor,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Map {
                    anchor,
                    line,
                    entries,
                    merges,
                    ..
                }) = self.stack.pop()
                {
                    let node = self.close_map(entries, merges, line);
                    self.place(node, anchor);
                }
            }
            _ => {}
        }
    }
}

/// A plain scalar typed as YAML 1.2's core schema does.
fn plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    }
    let looks_numeric = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == '.');
    if looks_numeric && !text.contains(':') {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(node: &Node) -> &Vec<(Key, Node)> {
        match &node.value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn lines_types_and_merge_keys() {
        let doc = "x-base: &base\n  image: busybox\n  restart: always\nservices:\n  web:\n    <<: *base\n    restart: \"no\"\n    ports: [80, \"81\"]\n    scale: 2\n    cpus: 0.5\n";
        let root = parse(doc).unwrap();
        let services = &map(&root)[1];
        assert_eq!(services.0.name, "services");
        assert_eq!(services.0.line, 4);
        let web = &map(&services.1)[0].1;
        let entries = map(web);
        let names: Vec<_> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["restart", "ports", "scale", "cpus", "image"]);
        assert_eq!(entries[0].1.value, Value::Str("no".into()));
        assert_eq!(entries[0].0.line, 7);
        assert_eq!(entries[2].1.value, Value::Int(2));
        assert_eq!(entries[3].1.value, Value::Float(0.5));
        let Value::Seq(ports) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(ports[0].value, Value::Int(80));
        assert_eq!(ports[1].value, Value::Str("81".into()));
    }

    #[test]
    fn json_is_read_too_and_errors_have_lines() {
        let root = parse("{\"services\": {\"a\": {\"image\": \"x\"}}}").unwrap();
        assert_eq!(map(&root)[0].0.name, "services");
        let e = parse("services:\n  a:\n    image: x\n    image: y\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("`image` appears twice"), "{}", e.message);
        let e = parse("services:\n  a: [\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert_eq!(parse("").unwrap().value, Value::Null);
    }
}
