//! Where the cursor is in the text: typing a node name (inside which blocks), a property, a
//! string value (of which node or property), or an address or function inside `(ref)"..."`,
//! `(expr)"..."` or `${...}` (the word being typed, after any operator).
//! A small scanner over the text before the cursor, so it works on text that does not parse
//! yet (the usual state while typing).

/// The cursor's context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Context {
    /// A node name at `start`; `enclosing` names the open blocks, outermost first.
    NodeName {
        /// Open blocks.
        enclosing: Vec<String>,
        /// Where the name being typed starts.
        start: usize,
    },
    /// A property (or argument) of the node `node`.
    Property {
        /// The statement's node name.
        node: String,
        /// Open blocks.
        enclosing: Vec<String>,
        /// Where the word being typed starts.
        start: usize,
    },
    /// Inside a string value of `node` (of its property `prop`, when `prop=`).
    Value {
        /// The statement's node name.
        node: String,
        /// The property, when the string is one's value.
        prop: Option<String>,
        /// Open blocks.
        enclosing: Vec<String>,
        /// Where the string's content starts.
        start: usize,
    },
    /// An address inside `(ref)"..."` or `${...}`, starting at `start`.
    Address {
        /// Where the address starts.
        start: usize,
    },
}

/// Inside an expression, where the word being typed starts: after the last operator,
/// bracket, comma or space at or after `from` (`-` belongs to names, as in `ssh-key`).
fn word_start(text: &str, from: usize) -> usize {
    text[from..]
        .rfind(|c: char| " ([{,!?:*/%<>=&|+\"".contains(c))
        .map_or(from, |j| from + j + 1)
}

/// The context at byte `offset` of `text`.
pub(crate) fn at(text: &str, offset: usize) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut s = Scanner {
        text: &text[..offset],
        i: 0,
        stack: Vec::new(),
        head: None,
        tokens: 0,
    };
    s.run().unwrap_or_else(|| s.at_word())
}

struct Scanner<'a> {
    text: &'a str,
    i: usize,
    stack: Vec<String>,
    head: Option<String>,
    tokens: usize,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

impl Scanner<'_> {
    fn rest(&self) -> &str {
        &self.text[self.i..]
    }

    /// Scans to the end; `Some` when the end is inside a string.
    fn run(&mut self) -> Option<Context> {
        while let Some(c) = self.rest().chars().next() {
            let rest = self.rest();
            if rest.starts_with("//") {
                self.skip_to("\n", false);
            } else if rest.starts_with("/*") {
                self.skip_to("*/", true);
            } else if rest.starts_with("\"\"\"") {
                self.i += 3;
                self.skip_to("\"\"\"", true);
            } else if rest.starts_with("#\"") {
                self.i += 2;
                self.skip_to("\"#", true);
            } else if c == '"' {
                if let Some(ctx) = self.string() {
                    return Some(ctx);
                }
            } else if is_word(c) {
                let len = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
                if self.head.is_none() {
                    self.head = Some(rest[..len].to_owned());
                }
                self.tokens += 1;
                self.i += len;
            } else {
                self.punct(c);
                self.i += c.len_utf8();
            }
        }
        None
    }

    fn punct(&mut self, c: char) {
        match c {
            '\n' | ';' => self.end_statement(),
            '{' => {
                self.stack.push(self.head.take().unwrap_or_default());
                self.tokens = 0;
            }
            '}' => {
                self.stack.pop();
                self.end_statement();
            }
            _ => {}
        }
    }

    fn end_statement(&mut self) {
        self.head = None;
        self.tokens = 0;
    }

    fn skip_to(&mut self, end: &str, past: bool) {
        match self.rest().find(end) {
            Some(j) => self.i += j + if past { end.len() } else { 0 },
            None => self.i = self.text.len(),
        }
    }

    /// A quoted string at `self.i`: skipped, or the context when the text ends inside it.
    fn string(&mut self) -> Option<Context> {
        let before = &self.text[..self.i];
        let is_ref = before.ends_with("(ref)") || before.ends_with("(expr)");
        let prop = before
            .strip_suffix('=')
            .map(|b| {
                let start = b.rfind(|c: char| !is_word(c)).map_or(0, |j| j + 1);
                b[start..].to_owned()
            })
            .filter(|p| !p.is_empty());
        let start = self.i + 1;
        let mut j = start;
        let bytes = self.text.as_bytes();
        while j < bytes.len() {
            match bytes[j] {
                b'\\' => j += 2,
                b'"' => {
                    self.i = j + 1;
                    self.tokens += 1;
                    return None;
                }
                b'\n' => break,
                _ => j += 1,
            }
        }
        self.i = self.text.len();
        let content = &self.text[start..];
        if is_ref {
            return Some(Context::Address {
                start: word_start(self.text, start),
            });
        }
        if let Some(open) = content.rfind("${") {
            if !content[open..].contains('}') {
                return Some(Context::Address {
                    start: word_start(self.text, start + open + 2),
                });
            }
        }
        Some(Context::Value {
            node: self.head.clone().unwrap_or_default(),
            prop,
            enclosing: self.stack.clone(),
            start,
        })
    }

    /// The end is outside any string: a node name or a property being typed.
    fn at_word(&self) -> Context {
        let word_len = self
            .text
            .chars()
            .rev()
            .take_while(|c| is_word(*c))
            .map(char::len_utf8)
            .sum::<usize>();
        let start = self.text.len() - word_len;
        let typing_head = (word_len > 0 && self.tokens == 1) || (word_len == 0 && self.tokens == 0);
        if typing_head {
            Context::NodeName {
                enclosing: self.stack.clone(),
                start,
            }
        } else {
            Context::Property {
                node: self.head.clone().unwrap_or_default(),
                enclosing: self.stack.clone(),
                start,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        at(text, text.len())
    }

    #[test]
    fn node_names_properties_values_and_addresses() {
        assert_eq!(
            ctx("vm \"a\" {\n  gp"),
            Context::NodeName {
                enclosing: vec!["vm".into()],
                start: 11
            }
        );
        assert_eq!(
            ctx("vm \"a\" { /* { */ image \"x\" }\nvol"),
            Context::NodeName {
                enclosing: vec![],
                start: 29
            }
        );
        assert_eq!(
            ctx("firewall \"f\" {\n  rule dir"),
            Context::Property {
                node: "rule".into(),
                enclosing: vec!["firewall".into()],
                start: 22
            }
        );
        assert!(matches!(
            ctx("firewall \"f\" {\n  rule protocol=\"t"),
            Context::Value { prop: Some(p), .. } if p == "protocol"
        ));
        assert!(matches!(
            ctx("vm \"a\" {\n  region \"NO"),
            Context::Value { node, prop: None, .. } if node == "region"
        ));
        assert_eq!(
            ctx("vm \"a\" {\n  ssh-keys (ref)\"ssh"),
            Context::Address { start: 26 }
        );
        assert_eq!(
            ctx("vm \"a\" {\n  name \"x-${var.p"),
            Context::Address { start: 21 }
        );
        // Inside an expression: the word after the last operator.
        let text = "volume \"v\" count=(expr)\"var.on ? len";
        assert_eq!(
            ctx(text),
            Context::Address {
                start: text.len() - 3
            }
        );
        let text = "vm \"a\" {\n  name \"${lower(var.t";
        assert_eq!(
            ctx(text),
            Context::Address {
                start: text.len() - 5
            }
        );
    }
}
