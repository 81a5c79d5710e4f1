//! `.dockerignore` matching with the docker CLI's exact rules (moby/patternmatcher), so that
//! the build context we send holds the same files `docker build` would send.
//!
//! The pipeline mirrors Go's: lines are read as `ignorefile.ReadAll` does, each pattern is
//! compiled as `patternmatcher.New` does (including the regexp translation's quirks, such as
//! the `**` fast paths), and a path is judged as `MatchesOrParentMatches` judges it.

use std::path::Path;

use crate::error::Error;

/// A parsed .dockerignore.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

/// One compiled pattern.
#[derive(Debug, Clone)]
struct Pattern {
    /// `!pattern`: re-includes what it matches.
    exception: bool,
    matcher: Matcher,
}

/// How a pattern matches a whole path; the first three are patternmatcher's fast paths, and
/// behave exactly like them (e.g. `**foo` matches `barfoo`, as in Go).
#[derive(Debug, Clone)]
enum Matcher {
    /// No wildcard at all: the path equals the pattern.
    Exact(String),
    /// `literal**`: the path starts with `literal`.
    Prefix(String),
    /// `**literal`: the path ends with `literal` (or equals it without its leading `/`).
    Suffix(String),
    /// Anything else: the equivalent of Go's compiled regexp.
    Tokens(Vec<Token>),
}

/// One piece of the regexp Go builds from a pattern (shown in comments).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A literal character.
    Char(char),
    /// `?` => `[^/]`.
    AnyChar,
    /// `*` => `[^/]*`.
    Star,
    /// `**` (or `**/`) before more pattern => `(.*/)?`: any number of leading directories.
    AnyDirs,
    /// `**` at the end => `.*`: anything.
    AnyRest,
    /// `[...]`, copied into the regexp as is; like a regexp class it may match `/`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// A bare `^`, which Go copies into the regexp unescaped, where it is an anchor.
    Start,
}

impl DockerIgnore {
    /// Parses the text of a .dockerignore file; a malformed pattern is an `InvalidParams` error naming it.
    pub fn parse(text: &str) -> Result<DockerIgnore, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut patterns = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let Some(normalized) = normalize_line(line) else {
                continue;
            };
            match Pattern::new(&normalized) {
                Ok(Some(pattern)) => patterns.push(pattern),
                Ok(None) => {}
                Err(reason) => {
                    return Err(Error::invalid(format!(
                        "invalid .dockerignore pattern `{}` (line {}): {reason}",
                        line.trim(),
                        index + 1
                    )))
                }
            }
        }
        Ok(DockerIgnore { patterns })
    }

    /// Reads `<dir>/.dockerignore` if present (absent => matches nothing).
    pub fn from_context_dir(dir: &Path) -> Result<DockerIgnore, Error> {
        let path = dir.join(".dockerignore");
        match std::fs::read(&path) {
            Ok(bytes) => DockerIgnore::parse(&String::from_utf8_lossy(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DockerIgnore::default()),
            Err(source) => Err(Error::Io {
                context: format!("reading {}", path.display()),
                source,
            }),
        }
    }

    /// Whether the path (forward slashes, relative to the context root) is excluded; the root never is.
    pub fn is_excluded(&self, rel_path: &str) -> bool {
        let path = clean(rel_path);
        path != "." && self.excluded_clean(&path)
    }

    /// Whether a directory must be walked: it is not excluded, or an exception may re-include something beneath it.
    pub fn must_descend(&self, rel_dir: &str) -> bool {
        let dir = clean(rel_dir);
        if dir == "." || !self.excluded_clean(&dir) {
            return true;
        }
        let dir_slash = format!("{dir}/");
        self.patterns.iter().filter(|p| p.exception).any(|p| {
            // Matching the directory or one of its parents means matching all beneath it.
            p.matches_self_or_parent(&dir) || p.matcher.could_match_under(&dir_slash)
        })
    }

    /// True when there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// `MatchesOrParentMatches` on an already clean path: the last pattern matching the path
    /// or one of its parent directories decides.
    fn excluded_clean(&self, path: &str) -> bool {
        let mut excluded = false;
        for pattern in &self.patterns {
            // Only an exclusion can change a kept path, only an exception an excluded one.
            if pattern.exception != excluded {
                continue;
            }
            if pattern.matches_self_or_parent(path) {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// One line as `ignorefile.ReadAll` turns it into a pattern string, `None` for nothing.
///
/// Only a `#` in the very first column starts a comment; whitespace is trimmed (also after a
/// `!`), the path is cleaned, and a leading `/` is dropped.
fn normalize_line(line: &str) -> Option<String> {
    if line.starts_with('#') {
        return None;
    }
    let mut pattern = line.trim();
    if pattern.is_empty() {
        return None;
    }
    let invert = pattern.starts_with('!');
    if invert {
        pattern = pattern[1..].trim();
    }
    let mut out = String::from(if invert { "!" } else { "" });
    if !pattern.is_empty() {
        let cleaned = clean(pattern);
        match cleaned.strip_prefix('/') {
            Some(relative) if !relative.is_empty() => out.push_str(relative),
            _ => out.push_str(&cleaned),
        }
    }
    Some(out)
}

impl Pattern {
    /// One pattern string as `patternmatcher.New` compiles it (trim, clean, `!`, syntax check).
    fn new(raw: &str) -> Result<Option<Pattern>, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let cleaned = clean(trimmed);
        let (exception, pattern) = match cleaned.strip_prefix('!') {
            Some("") => return Err("an exception `!` needs a pattern after it".to_string()),
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        Ok(Some(Pattern {
            exception,
            matcher: compile(pattern)?,
        }))
    }

    /// Whether the pattern matches the path itself or any of its parent directories.
    fn matches_self_or_parent(&self, path: &str) -> bool {
        self.matcher.matches(path)
            || path
                .match_indices('/')
                .any(|(at, _)| self.matcher.matches(&path[..at]))
    }
}

/// Compiles a cleaned pattern the way patternmatcher's `compile` does, rejecting what Go's
/// `filepath.Match` rejects (unclosed `[`, misplaced `-`/`]`, a trailing `\`) and reversed
/// ranges such as `[z-a]`, which Go's regexp rejects.
fn compile(pattern: &str) -> Result<Matcher, String> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regexp,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut kind = Kind::Exact;
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut first = true;
    while pos < chars.len() {
        let ch = chars[pos];
        pos += 1;
        match ch {
            '*' if chars.get(pos) == Some(&'*') => {
                pos += 1;
                // `**/` is the same as `**`.
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos == chars.len() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        tokens.push(Token::AnyRest);
                        kind = Kind::Regexp;
                    }
                } else {
                    tokens.push(Token::AnyDirs);
                    kind = Kind::Regexp;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                tokens.push(Token::Star);
                kind = Kind::Regexp;
            }
            '?' => {
                tokens.push(Token::AnyChar);
                kind = Kind::Regexp;
            }
            '\\' => {
                let escaped = chars.get(pos).ok_or("a trailing `\\` escapes nothing")?;
                pos += 1;
                tokens.push(Token::Char(*escaped));
                kind = Kind::Regexp;
            }
            '[' => {
                tokens.push(parse_class(&chars, &mut pos)?);
                kind = Kind::Regexp;
            }
            ']' => {
                tokens.push(Token::Char(']'));
                kind = Kind::Regexp;
            }
            '^' => tokens.push(Token::Start),
            other => tokens.push(Token::Char(other)),
        }
        first = false;
    }
    Ok(match kind {
        Kind::Exact => Matcher::Exact(pattern.to_string()),
        Kind::Prefix => Matcher::Prefix(pattern[..pattern.len() - 2].to_string()),
        Kind::Suffix => Matcher::Suffix(pattern[2..].to_string()),
        Kind::Regexp => Matcher::Tokens(tokens),
    })
}

/// Parses a character class after its `[`, with `filepath.Match`'s syntax: an optional `^`,
/// then one or more characters or ranges `a-z` (`\` escapes one), then `]`.
fn parse_class(chars: &[char], pos: &mut usize) -> Result<Token, String> {
    let negated = chars.get(*pos) == Some(&'^');
    if negated {
        *pos += 1;
    }
    let mut ranges = Vec::new();
    loop {
        if chars.get(*pos) == Some(&']') && !ranges.is_empty() {
            *pos += 1;
            return Ok(Token::Class { negated, ranges });
        }
        let lo = class_char(chars, pos)?;
        let mut hi = lo;
        // `class_char` made sure a character follows.
        if chars[*pos] == '-' {
            *pos += 1;
            hi = class_char(chars, pos)?;
        }
        if hi < lo {
            return Err(format!("invalid character range `{lo}-{hi}`"));
        }
        ranges.push((lo, hi));
    }
}

/// One (possibly escaped) character of a class, which must not be the class's last.
fn class_char(chars: &[char], pos: &mut usize) -> Result<char, String> {
    const UNCLOSED: &str = "unclosed character class `[`";
    let mut c = match chars.get(*pos) {
        None => return Err(UNCLOSED.to_string()),
        Some('-' | ']') => {
            return Err("a `-` or `]` in a character class must be escaped with `\\`".to_string())
        }
        Some(&c) => c,
    };
    if c == '\\' {
        *pos += 1;
        c = *chars.get(*pos).ok_or(UNCLOSED)?;
    }
    *pos += 1;
    if *pos >= chars.len() {
        return Err(UNCLOSED.to_string());
    }
    Ok(c)
}

impl Matcher {
    /// Whether the pattern matches the whole path.
    fn matches(&self, path: &str) -> bool {
        match self {
            Matcher::Exact(literal) => path == literal,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Matcher::Tokens(tokens) => {
                let text: Vec<char> = path.chars().collect();
                Run::new(tokens, &text, false).at(0, 0)
            }
        }
    }

    /// Whether some path starting with `dir_slash` (a directory plus `/`) could match.
    fn could_match_under(&self, dir_slash: &str) -> bool {
        match self {
            Matcher::Exact(literal) => literal.starts_with(dir_slash),
            Matcher::Prefix(prefix) => {
                prefix.starts_with(dir_slash) || dir_slash.starts_with(prefix.as_str())
            }
            // `dir/` followed by the suffix always matches.
            Matcher::Suffix(_) => true,
            Matcher::Tokens(tokens) => {
                let text: Vec<char> = dir_slash.chars().collect();
                Run::new(tokens, &text, true).at(0, 0)
            }
        }
    }
}

/// A backtracking run of tokens over a text, remembering failed states so that it stays
/// polynomial whatever the pattern.
struct Run<'a> {
    tokens: &'a [Token],
    text: &'a [char],
    /// Accept once the whole text is consumed, if the rest of the pattern can still match
    /// something (used to ask whether anything beneath a directory could match).
    prefix_only: bool,
    failed: Vec<bool>,
}

impl<'a> Run<'a> {
    fn new(tokens: &'a [Token], text: &'a [char], prefix_only: bool) -> Self {
        Run {
            tokens,
            text,
            prefix_only,
            failed: vec![false; (tokens.len() + 1) * (text.len() + 1)],
        }
    }

    /// Whether tokens from `t` on match the text from `s` on.
    fn at(&mut self, t: usize, s: usize) -> bool {
        let state = t * (self.text.len() + 1) + s;
        if self.failed[state] {
            return false;
        }
        let matched = self.step(t, s);
        if !matched {
            self.failed[state] = true;
        }
        matched
    }

    fn step(&mut self, t: usize, s: usize) -> bool {
        let (tokens, text) = (self.tokens, self.text);
        if self.prefix_only && s == text.len() {
            // Every token but an anchor (never satisfiable past the start) can match something.
            return !tokens[t..].contains(&Token::Start);
        }
        let Some(token) = tokens.get(t) else {
            return s == text.len();
        };
        let here = text.get(s).copied();
        match token {
            Token::Char(c) => here == Some(*c) && self.at(t + 1, s + 1),
            Token::AnyChar => here.is_some_and(|c| c != '/') && self.at(t + 1, s + 1),
            Token::Class { negated, ranges } => {
                here.is_some_and(|c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated)
                    && self.at(t + 1, s + 1)
            }
            Token::Start => s == 0 && self.at(t + 1, s),
            Token::Star => {
                let end = text[s..]
                    .iter()
                    .position(|&c| c == '/')
                    .map_or(text.len(), |i| s + i);
                (s..=end).any(|k| self.at(t + 1, k))
            }
            // Go's `.` does not match a newline.
            Token::AnyDirs => {
                self.at(t + 1, s)
                    || (s..text.len())
                        .take_while(|&k| text[k] != '\n')
                        .any(|k| text[k] == '/' && self.at(t + 1, k + 1))
            }
            Token::AnyRest => {
                let end = text[s..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(text.len(), |i| s + i);
                (s..=end).any(|k| self.at(t + 1, k))
            }
        }
    }
}

/// Go's `filepath.Clean` for `/`-separated paths: collapses `//`, drops `.` elements, resolves
/// `..` against a preceding element, keeps a leading `/`, and turns an empty result into `.`.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(text).unwrap_or_else(|e| panic!("parse {text:?}: {e}"))
    }

    /// Patterns given straight to `patternmatcher.New` (no `ReadAll` step), as in Go's tests.
    fn matcher(patterns: &[&str]) -> DockerIgnore {
        let patterns = patterns
            .iter()
            .filter_map(|p| Pattern::new(p).unwrap_or_else(|e| panic!("{p:?}: {e}")))
            .collect();
        DockerIgnore { patterns }
    }

    fn parse_error(text: &str) -> String {
        match DockerIgnore::parse(text) {
            Ok(parsed) => panic!("{text:?} parsed: {parsed:?}"),
            Err(Error::InvalidParams { message, .. }) => message,
            Err(other) => panic!("{text:?}: unexpected error {other}"),
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let di = ignore("# a comment\n\n   \n\t\n#*\nfoo\n");
        assert_eq!(di.patterns.len(), 1);
        assert!(di.is_excluded("foo"));
        assert!(!di.is_excluded("bar"));
        assert!(!di.is_excluded("# a comment"));
    }

    #[test]
    fn only_a_hash_in_the_first_column_starts_a_comment() {
        // As in the CLI: the comment check comes before trimming.
        let di = ignore("  #keep\n");
        assert!(di.is_excluded("#keep"));
    }

    #[test]
    fn empty_and_comment_only_files_have_no_patterns() {
        assert!(ignore("").is_empty());
        assert!(ignore("# nothing\n\n").is_empty());
        assert!(!ignore("a").is_empty());
        assert!(DockerIgnore::default().is_empty());
        assert!(!DockerIgnore::default().is_excluded("anything"));
    }

    #[test]
    fn whitespace_crlf_and_bom_are_trimmed() {
        let di = ignore("\u{feff}first\r\n  spaced  \r\n!  spaced/keep \r\n");
        assert!(di.is_excluded("first"));
        assert!(di.is_excluded("spaced"));
        assert!(di.is_excluded("spaced/other"));
        assert!(!di.is_excluded("spaced/keep"));
    }

    #[test]
    fn star_matches_only_within_one_level() {
        let di = ignore("*.md");
        assert!(di.is_excluded("README.md"));
        assert!(!di.is_excluded("docs/a.md"));
        assert!(!di.is_excluded("README.mdx"));
        let di = ignore("**/*.md");
        assert!(di.is_excluded("README.md"));
        assert!(di.is_excluded("docs/a.md"));
        assert!(di.is_excluded("docs/deep/er/a.md"));
        assert!(!di.is_excluded("docs/a.txt"));
        let di = ignore("docs/*.md");
        assert!(di.is_excluded("docs/a.md"));
        assert!(!di.is_excluded("docs/sub/a.md"));
        assert!(!di.is_excluded("a.md"));
    }

    #[test]
    fn exceptions_reinclude_and_the_last_match_wins() {
        let di = ignore("*.md\n!README.md");
        assert!(di.is_excluded("CHANGELOG.md"));
        assert!(!di.is_excluded("README.md"));
        // An exclusion after the exception wins again.
        let di = ignore("*.md\n!README*.md\nREADME-secret.md");
        assert!(!di.is_excluded("README.md"));
        assert!(di.is_excluded("README-secret.md"));
        // An exception before the exclusion does nothing.
        let di = ignore("!README.md\n*.md");
        assert!(di.is_excluded("README.md"));
        // An exception without a matching exclusion does nothing either.
        let di = ignore("!README.md");
        assert!(!di.is_excluded("README.md"));
        assert!(!di.is_excluded("other"));
    }

    #[test]
    fn exclusion_covers_everything_beneath_a_directory() {
        let di = ignore("node_modules");
        assert!(di.is_excluded("node_modules"));
        assert!(di.is_excluded("node_modules/x/y.js"));
        assert!(!di.is_excluded("src/node_modules"));
        assert!(!di.is_excluded("node_modules2"));
        let di = ignore("*/tmp");
        assert!(di.is_excluded("a/tmp/file"));
        assert!(!di.is_excluded("tmp/file"));
        // An exception on a parent re-includes what is beneath it.
        let di = ignore("**/*.log\n!logs");
        assert!(di.is_excluded("a.log"));
        assert!(!di.is_excluded("logs/a.log"));
        // Trailing slashes are cleaned away.
        let di = ignore("docs/\n!docs/README.md");
        assert!(di.is_excluded("docs/a.txt"));
        assert!(!di.is_excluded("docs/README.md"));
    }

    #[test]
    fn double_star_forms() {
        let di = ignore("**");
        assert!(di.is_excluded("a"));
        assert!(di.is_excluded("a/b/c"));
        let di = ignore("a/**");
        assert!(di.is_excluded("a/b"));
        assert!(di.is_excluded("a/b/c/d"));
        assert!(!di.is_excluded("a"));
        assert!(!di.is_excluded("ab"));
        let di = ignore("a/**/z");
        assert!(di.is_excluded("a/z"));
        assert!(di.is_excluded("a/b/z"));
        assert!(di.is_excluded("a/b/c/z"));
        assert!(di.is_excluded("a/b/z/inside"));
        assert!(!di.is_excluded("a/bz"));
        assert!(!di.is_excluded("b/a/z"));
        let di = ignore("**/build");
        assert!(di.is_excluded("build"));
        assert!(di.is_excluded("x/y/build"));
        assert!(di.is_excluded("x/build/out.o"));
        assert!(!di.is_excluded("xbuild"));
        let di = ignore("**/*.go");
        assert!(di.is_excluded("a.go"));
        assert!(di.is_excluded("x/y/a.go"));
    }

    #[test]
    fn go_fast_path_quirks_are_kept() {
        // `**foo` is a plain suffix test in Go, so it matches `barfoo` too...
        let di = matcher(&["**foo"]);
        assert!(di.is_excluded("barfoo"));
        assert!(di.is_excluded("a/foo"));
        // ...while `a**b` is a regexp, `^a(.*/)?b$`, which does not match `axb`.
        let di = matcher(&["a**b"]);
        assert!(di.is_excluded("ab"));
        assert!(di.is_excluded("ax/b"));
        assert!(!di.is_excluded("axb"));
        // A bare `^` is copied into Go's regexp as an anchor...
        let di = matcher(&["a^b*"]);
        assert!(!di.is_excluded("a^b"));
        let di = matcher(&["^b*"]);
        assert!(di.is_excluded("bc"));
        // ...but compared literally when there is no wildcard.
        let di = matcher(&["a^b"]);
        assert!(di.is_excluded("a^b"));
    }

    #[test]
    fn leading_slash_and_cleaning() {
        let di = ignore("/foo");
        assert!(di.is_excluded("foo"));
        assert!(di.is_excluded("foo/bar"));
        assert!(!di.is_excluded("x/foo"));
        let di = ignore("//a//b/");
        assert!(di.is_excluded("a/b"));
        let di = ignore("./a\nx/../b\n!/b/keep\nc/./d");
        assert!(di.is_excluded("a"));
        assert!(di.is_excluded("b/other"));
        assert!(!di.is_excluded("b/keep"));
        assert!(!di.is_excluded("x"));
        assert!(di.is_excluded("c/d"));
        // A pattern climbing out of the context matches nothing in it.
        let di = ignore("../a\n/");
        assert!(!di.is_excluded("a"));
        // Paths given to us are cleaned too, and the root is never excluded.
        let di = ignore("a\n*");
        assert!(di.is_excluded("./a/b"));
        assert!(di.is_excluded("a//b/"));
        assert!(!di.is_excluded("."));
        assert!(!di.is_excluded(""));
    }

    #[test]
    fn question_mark_and_classes() {
        let di = ignore("file?.txt");
        assert!(di.is_excluded("file1.txt"));
        assert!(!di.is_excluded("file.txt"));
        assert!(!di.is_excluded("file12.txt"));
        let di = ignore("a?b");
        assert!(!di.is_excluded("a/b"));
        let di = ignore("log[a-c].txt");
        assert!(di.is_excluded("loga.txt"));
        assert!(di.is_excluded("logc.txt"));
        assert!(!di.is_excluded("logd.txt"));
        let di = ignore("log[^a-c]");
        assert!(di.is_excluded("logd"));
        assert!(!di.is_excluded("logb"));
        let di = ignore("x[ab\\]]");
        assert!(di.is_excluded("x]"));
        assert!(di.is_excluded("xb"));
        assert!(!di.is_excluded("xc"));
        // Unicode ranges work on characters, not bytes.
        let di = ignore("[a-ζ]*");
        assert!(di.is_excluded("αβ"));
        assert!(!di.is_excluded("A"));
    }

    #[test]
    fn backslash_escapes() {
        let di = ignore("a\\*b");
        assert!(di.is_excluded("a*b"));
        assert!(!di.is_excluded("axb"));
        let di = ignore("q\\?");
        assert!(di.is_excluded("q?"));
        assert!(!di.is_excluded("qx"));
        let di = ignore("a\\\\");
        assert!(di.is_excluded("a\\"));
        let di = ignore("\\!important");
        assert!(di.is_excluded("!important"));
        let di = ignore("\\#notes");
        assert!(di.is_excluded("#notes"));
    }

    #[test]
    fn regexp_special_characters_are_literal() {
        let di = ignore("a(b)c/def\na.|)$(}+{bc\n.*");
        assert!(di.is_excluded("a(b)c/def"));
        assert!(!di.is_excluded("a(b)c/xyz"));
        assert!(di.is_excluded("a.|)$(}+{bc"));
        assert!(di.is_excluded(".env"));
        assert!(!di.is_excluded("env"));
        let di = ignore("dist/*.whl");
        assert!(di.is_excluded("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"));
    }

    #[test]
    fn malformed_patterns_are_errors_naming_the_pattern() {
        for (text, bad) in [
            ("ok\n[abc", "[abc"),
            ("a[", "a["),
            ("[^", "[^"),
            ("[]a]", "[]a]"),
            ("[-x]", "[-x]"),
            ("[x-]", "[x-]"),
            ("[a-b-c]", "[a-b-c]"),
            ("foo\\", "foo\\"),
            ("[z-a]", "[z-a]"),
            ("  [Local-Only]/  ", "[Local-Only]/"),
            ("!", "!"),
            ("!/", "!/"),
            ("!*.md\n! [x", "! [x"),
        ] {
            let message = parse_error(text);
            assert!(
                message.contains(&format!("`{bad}`")),
                "{text:?}: message {message:?} should name {bad:?}"
            );
        }
        assert!(parse_error("a\n\n[abc").contains("line 3"));
    }

    #[test]
    fn must_descend_only_where_an_exception_may_reach() {
        let di = ignore("secret\n!secret/keep.txt");
        assert!(di.must_descend("secret"));
        assert!(!di.is_excluded("secret/keep.txt"));
        assert!(di.is_excluded("secret/other.txt"));
        assert!(!di.must_descend("secret/sub"));
        let di = ignore("build");
        assert!(!di.must_descend("build"));
        assert!(!di.must_descend("build/x"));
        assert!(di.must_descend("src"));
        assert!(di.must_descend(""));
        assert!(di.must_descend("."));
        // Deeper exceptions keep every directory on their way open, and only those.
        let di = ignore("*\n!src/app/main.rs");
        assert!(di.must_descend("src"));
        assert!(di.must_descend("src/app"));
        assert!(!di.must_descend("src/lib"));
        assert!(!di.must_descend("docs"));
        // Wildcards in exceptions.
        let di = ignore("vendor\n!**/LICENSE");
        assert!(di.must_descend("vendor"));
        assert!(di.must_descend("vendor/x/y"));
        assert!(!di.is_excluded("vendor/x/LICENSE"));
        let di = ignore("out\n!out/*/keep\n!o*x/**");
        assert!(di.must_descend("out"));
        assert!(di.must_descend("out/a"));
        assert!(!di.must_descend("out/a/b"));
        let di = ignore("*\n!src/**/*.rs\n!?at");
        assert!(di.must_descend("src"));
        assert!(di.must_descend("src/a/b"));
        assert!(!di.must_descend("docs"));
        let di = ignore("*\n!dist**");
        assert!(di.must_descend("dist"));
        assert!(di.must_descend("distx"));
        assert!(!di.must_descend("dis"));
        assert!(!di.must_descend("other"));
        // An exception matching the directory itself, overridden by a later exclusion.
        let di = ignore("a\n!a\na/b");
        assert!(di.must_descend("a"));
        assert!(di.must_descend("a/b"));
        // A regexp anchor past the start can never match.
        let di = ignore("*\n!x/^y*");
        assert!(!di.must_descend("x"));
    }

    #[test]
    fn from_context_dir_reads_or_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let di = DockerIgnore::from_context_dir(dir.path()).unwrap();
        assert!(di.is_empty());
        std::fs::write(dir.path().join(".dockerignore"), "target\n!target/keep\n").unwrap();
        let di = DockerIgnore::from_context_dir(dir.path()).unwrap();
        assert!(di.is_excluded("target/debug"));
        assert!(!di.is_excluded("target/keep"));
        std::fs::write(dir.path().join(".dockerignore"), "[oops\n").unwrap();
        assert!(DockerIgnore::from_context_dir(dir.path()).is_err());
    }

    #[test]
    fn clean_matches_go() {
        for (input, want) in [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("a/./b", "a/b"),
            ("a//b", "a/b"),
            ("a/b/", "a/b"),
            ("a/../b", "b"),
            ("a/../..", ".."),
            ("../../a", "../../a"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("//a", "/a"),
            ("!/", "!"),
            ("!a/../b", "b"),
        ] {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    /// patternmatcher's own `TestMatches` table, run through `MatchesOrParentMatches`.
    #[test]
    fn patternmatcher_match_table() {
        let table: &[(&str, &str, bool)] = &[
            ("**", "file", true),
            ("**", "file/", true),
            ("**/", "file", true),
            ("**/", "file/", true),
            ("**", "/", true),
            ("**/", "/", true),
            ("**", "dir/file", true),
            ("**/", "dir/file", true),
            ("**", "dir/file/", true),
            ("**/", "dir/file/", true),
            ("**/**", "dir/file", true),
            ("**/**", "dir/file/", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/file/", true),
            ("dir/**", "dir/dir2/file", true),
            ("dir/**", "dir/dir2/file/", true),
            ("**/dir", "dir", true),
            ("**/dir", "dir/file", true),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/*", "dir/dir2/file/", true),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file/", true),
            ("**file", "file", true),
            ("**file", "dir/file", true),
            ("**/file", "dir/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true),
            ("**/file*", "dir/dir/file.txt", true),
            ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/file.txt", true),
            ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true),
            ("a[b-d]e", "ae", false),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abcdef", false),
            ("**/foo/bar", "foo/bar", true),
            ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("abc/**", "abc", false),
            ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true),
            ("**/.foo", ".foo", true),
            ("**/.foo", "bar.foo", false),
            ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            ("a\\\\", "a\\", true),
            ("a\\*b", "a*b", true),
        ];
        for &(pattern, path, want) in table {
            let di = matcher(&[pattern]);
            // Go runs these on the raw text, trailing slash included.
            assert_eq!(di.excluded_clean(path), want, "{pattern:?} on {path:?}");
        }
        for (patterns, path, want) in [
            (
                &["**", "!util/docker/web"][..],
                "util/docker/web/foo",
                false,
            ),
            (
                &["**", "!util/docker/web", "util/docker/web/foo"][..],
                "util/docker/web/foo",
                true,
            ),
            (&["**", "!dist/*.whl"][..], "dist/a-1.0+g0-py3.whl", false),
            (&["docs", "!docs/README.md"][..], "docs/README.md", false),
            (&["docs/*", "!docs/README.md"][..], "docs/README.md", false),
            (&["!fileutils.go", "*.go"][..], "fileutils.go", true),
            (&["*.go", "!fileutils.go"][..], "fileutils.go", false),
        ] {
            let di = matcher(patterns);
            assert_eq!(di.is_excluded(path), want, "{patterns:?} on {path:?}");
        }
    }

    /// Go's `filepath.Match` table as patternmatcher's `TestMatch` runs it.
    #[test]
    fn filepath_match_table() {
        let table: &[(&str, &str, Option<bool>)] = &[
            ("abc", "abc", Some(true)),
            ("*", "abc", Some(true)),
            ("*c", "abc", Some(true)),
            ("a*", "a", Some(true)),
            ("a*", "abc", Some(true)),
            ("a*", "ab/c", Some(true)),
            ("a*/b", "abc/b", Some(true)),
            ("a*/b", "a/c/b", Some(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Some(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Some(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Some(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Some(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Some(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Some(false)),
            ("ab[c]", "abc", Some(true)),
            ("ab[b-d]", "abc", Some(true)),
            ("ab[e-g]", "abc", Some(false)),
            ("ab[^c]", "abc", Some(false)),
            ("ab[^b-d]", "abc", Some(false)),
            ("ab[^e-g]", "abc", Some(true)),
            ("a\\*b", "a*b", Some(true)),
            ("a\\*b", "ab", Some(false)),
            ("a?b", "a☺b", Some(true)),
            ("a[^a]b", "a☺b", Some(true)),
            ("a???b", "a☺b", Some(false)),
            ("a[^a][^a][^a]b", "a☺b", Some(false)),
            ("[a-ζ]*", "α", Some(true)),
            ("*[a-ζ]", "A", Some(false)),
            ("a?b", "a/b", Some(false)),
            ("a*b", "a/b", Some(false)),
            ("[\\]a]", "]", Some(true)),
            ("[\\-]", "-", Some(true)),
            ("[x\\-]", "x", Some(true)),
            ("[x\\-]", "-", Some(true)),
            ("[x\\-]", "z", Some(false)),
            ("[\\-x]", "x", Some(true)),
            ("[\\-x]", "-", Some(true)),
            ("[\\-x]", "a", Some(false)),
            ("[]a]", "]", None),
            ("[-]", "-", None),
            ("[x-]", "x", None),
            ("[-x]", "x", None),
            ("\\", "a", None),
            ("[a-b-c]", "a", None),
            ("[", "a", None),
            ("[^", "a", None),
            ("[^bc", "a", None),
            ("a[", "a", None),
            ("*x", "xxx", Some(true)),
        ];
        for &(pattern, path, want) in table {
            match (Pattern::new(pattern), want) {
                (Ok(_), Some(want)) => {
                    assert_eq!(
                        matcher(&[pattern]).is_excluded(path),
                        want,
                        "{pattern:?} on {path:?}"
                    )
                }
                (Err(_), None) => {}
                (got, want) => panic!("{pattern:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let di = ignore("**/a*a*a*a*a*a*a*a*a*a*a*b");
        let long = format!("{}/{}", "a/".repeat(200), "a".repeat(200));
        assert!(!di.is_excluded(&long));
    }
}
