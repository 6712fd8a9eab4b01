//! Addresses compared as their text compares (`vm.x[10]` before `vm.x[2]`), without writing
//! the text: plans list changes and number steps in address text order, and the planner
//! orders its lookups the same way without formatting an address per comparison.

use std::cmp::Ordering;
use std::iter::once;

use garrison_config::model::{Address, Index};

/// `a.to_string().cmp(&b.to_string())`, without allocating.
pub(crate) fn cmp(a: &Address, b: &Address) -> Ordering {
    bytes(a).cmp(bytes(b))
}

/// The bytes of `address`'s text (`Display`), in order.
fn bytes(address: &Address) -> impl Iterator<Item = u8> + '_ {
    let module = address.module.iter().flat_map(|step| {
        b"module."
            .iter()
            .copied()
            .chain(step.name.bytes())
            .chain(index(step.index.as_ref()))
            .chain(once(b'.'))
    });
    module
        .chain(address.kind.as_str().bytes())
        .chain(once(b'.'))
        .chain(address.name.bytes())
        .chain(index(address.index.as_ref()))
}

/// `[N]`, `["key"]` (with `"` and `\` escaped), or nothing.
fn index(index: Option<&Index>) -> impl Iterator<Item = u8> + '_ {
    let (int, key) = match index {
        Some(Index::Int(n)) => (Some(*n), None),
        Some(Index::Key(k)) => (None, Some(k.as_str())),
        None => (None, None),
    };
    let int = int
        .into_iter()
        .flat_map(|n| once(b'[').chain(Digits::new(n)).chain(once(b']')));
    let key = key.into_iter().flat_map(|k| {
        b"[\""
            .iter()
            .copied()
            .chain(k.bytes().flat_map(escaped))
            .chain(b"\"]".iter().copied())
    });
    int.chain(key)
}

/// One byte of a key, escaped as `Index`'s `Display` escapes it.
fn escaped(b: u8) -> impl Iterator<Item = u8> {
    matches!(b, b'"' | b'\\')
        .then_some(b'\\')
        .into_iter()
        .chain(once(b))
}

/// The decimal digits of a number, most significant first.
struct Digits {
    buf: [u8; 10],
    at: usize,
}

impl Digits {
    fn new(mut n: u32) -> Self {
        let mut buf = [b'0'; 10];
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b"0123456789"[(n % 10) as usize];
            n /= 10;
            if n == 0 {
                return Digits { buf, at };
            }
        }
    }
}

impl Iterator for Digits {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.at)?;
        self.at += 1;
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_as_the_text_orders() {
        let texts = [
            "vm.a",
            "vm.a-b",
            "vm.a_b",
            "vm.ab",
            "vm.a[0]",
            "vm.a[2]",
            "vm.a[10]",
            "vm.a[4294967295]",
            r#"vm.a["k"]"#,
            r#"vm.a["k\"q"]"#,
            r#"vm.a["k\\b"]"#,
            r#"vm.a["K"]"#,
            r#"vm.a[""]"#,
            "volume.a",
            "script.s",
            "snapshot.s",
            "ssh-key.k",
            "firewall.f",
            "image.i",
            "module.m.vm.a",
            "module.m[1].vm.a",
            "module.m[10].vm.a",
            r#"module.m["x"].module.n.vm.a[3]"#,
            "module.m-2.vm.a",
        ];
        let addresses: Vec<Address> = texts
            .iter()
            .map(|t| t.parse().expect("an address"))
            .collect();
        for a in &addresses {
            for b in &addresses {
                assert_eq!(cmp(a, b), a.to_string().cmp(&b.to_string()), "{a} vs {b}");
            }
        }
    }
}
