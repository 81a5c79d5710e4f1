//! Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+other}`,
//! `${VAR+other}` and `$$` for a dollar, in every string value of a file; and the
//! `.env` file that supplies variables the environment does not.

use std::collections::HashMap;

use super::yaml::{Node, Value};

/// The variables a file is interpolated with.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    values: HashMap<String, String>,
}

impl Variables {
    /// The process environment over the `.env` file's variables (the environment wins).
    pub fn from_env_and(dotenv: Option<&str>) -> Variables {
        let mut values = dotenv.map(parse_dotenv).unwrap_or_default();
        values.extend(std::env::vars());
        Variables { values }
    }

    /// Exactly these variables.
    pub fn from_pairs<I, K, V>(pairs: I) -> Variables
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Variables {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// `KEY=VALUE` lines; `#` comments, blank lines, `export ` and quotes allowed.
pub fn parse_dotenv(text: &str) -> HashMap<String, String> {
    let mut values = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = if value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')))
        {
            value[1..value.len() - 1].to_string()
        } else {
            // An unquoted value ends at a ` #` comment.
            value.split(" #").next().unwrap_or(value).trim().to_string()
        };
        values.insert(key.trim().to_string(), value);
    }
    values
}

/// Why a value could not be interpolated: its line and the reason.
#[derive(Debug)]
pub struct InterpolationError {
    pub line: usize,
    pub message: String,
}

/// Interpolates every string in the tree, in place.
pub fn interpolate(node: &mut Node, vars: &Variables) -> Result<(), InterpolationError> {
    match &mut node.value {
        Value::Str(s) => {
            if s.contains('$') {
                *s = expand(s, vars).map_err(|message| InterpolationError {
                    line: node.line,
                    message,
                })?;
            }
            Ok(())
        }
        Value::Seq(items) => items.iter_mut().try_for_each(|n| interpolate(n, vars)),
        Value::Map(entries) => entries
            .iter_mut()
            .try_for_each(|(_, n)| interpolate(n, vars)),
        _ => Ok(()),
    }
}

/// One string with its variables replaced.
pub fn expand(text: &str, vars: &Variables) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(braced) = after.strip_prefix('{') {
            let end = closing_brace(braced)
                .ok_or_else(|| format!("`${{` without its closing `}}` in {text:?}"))?;
            out.push_str(&substitute(&braced[..end], vars)?);
            rest = &braced[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                return Err(format!(
                    "a `$` must start a variable (`$NAME`, `${{NAME}}`) or be doubled (`$$`) in {text:?}"
                ));
            }
            out.push_str(vars.get(&after[..len]).unwrap_or(""));
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Where the `}` closing a `${` is, counting nested `${…}`.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of `${inner}`.
fn substitute(inner: &str, vars: &Variables) -> Result<String, String> {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, op) = inner.split_at(name_len);
    if name.is_empty() {
        return Err(format!("`${{{inner}}}` names no variable"));
    }
    let value = vars.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let (checks_empty, op) = match op.strip_prefix(':') {
        Some(op) => (true, op),
        None => (false, op),
    };
    let present = if checks_empty {
        set_nonempty
    } else {
        value.is_some()
    };
    let Some(kind) = op.chars().next() else {
        if checks_empty {
            return Err(format!(
                "`${{{inner}}}`: `:` must be followed by -, ?, or +"
            ));
        }
        return Ok(value.unwrap_or("").to_string());
    };
    let arg = &op[1..];
    match kind {
        '-' if present => Ok(value.unwrap_or("").to_string()),
        '-' => expand(arg, vars),
        '?' if present => Ok(value.unwrap_or("").to_string()),
        '?' => Err(format!(
            "required variable {name} is {}: {}",
            if value.is_some() { "empty" } else { "not set" },
            expand(arg, vars)?
        )),
        '+' if present => expand(arg, vars),
        '+' => Ok(String::new()),
        _ => Err(format!("`${{{inner}}}`: unknown operator `{kind}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_compose_knows() {
        let vars = Variables::from_pairs([("A", "1"), ("EMPTY", ""), ("N", "web")]);
        let e = |s| expand(s, &vars);
        assert_eq!(e("x$A-${A}").unwrap(), "x1-1");
        assert_eq!(e("${B:-two}").unwrap(), "two");
        assert_eq!(e("${EMPTY:-two}").unwrap(), "two");
        assert_eq!(e("${EMPTY-two}").unwrap(), "");
        assert_eq!(e("${B-${N}-x}").unwrap(), "web-x");
        assert_eq!(e("${A:+yes}${B:+no}").unwrap(), "yes");
        assert_eq!(e("$$A costs $$5").unwrap(), "$A costs $5");
        assert_eq!(e("${UNSET}").unwrap(), "");
        let err = e("${B:?give B a value}").unwrap_err();
        assert!(err.contains("B is not set: give B a value"), "{err}");
        assert!(e("${A").unwrap_err().contains("closing"));
        assert!(e("cost $ 5").is_err());
    }

    #[test]
    fn dotenv_lines() {
        let v = parse_dotenv("# c\nexport A=1\nB=\"two words\"\nC=x # note\n\nbad\n");
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "two words");
        assert_eq!(v["C"], "x");
        assert_eq!(v.len(), 3);
    }
}
