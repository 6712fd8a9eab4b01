//! `module.NAME.OUTPUT`, `module.NAME[0].OUTPUT`, `module.NAME["k"].OUTPUT` and
//! `module.NAME[*].OUTPUT` in the caller: an instance's output value, with the references
//! that value made, so whatever reads it depends on what the output reads.

use crate::collect::did_you_mean;
use crate::diagnostic::Code;
use serde_json::Value;

use crate::eval::{Ev, Eval, Expansion, Val};
use crate::model::{Expr, Index, Span};
use crate::refs::Seg;

impl Eval<'_> {
    /// Resolves `module.` + `segs` (`text` is the whole reference).
    pub(crate) fn module_ref(&mut self, segs: Vec<Seg>, sp: &Span, text: &str) -> Ev {
        let mut segs = segs.into_iter();
        let Some(Seg::Field(name)) = segs.next() else {
            return self.bad_module(sp, "`module` needs a name: `module.NAME.OUTPUT`".to_owned());
        };
        let Some(call) = self.calls.get(&name) else {
            let help = did_you_mean(&name, self.calls.keys().map(String::as_str))
                .map(|c| format!("did you mean `module.{c}`?"))
                .or_else(|| {
                    Some(format!(
                        "declare it: `module \"{name}\" source=\"./modules/NAME\" {{ ... }}`"
                    ))
                });
            self.diags.error(
                Code::UnknownReference,
                sp,
                format!("unknown module `module.{name}`"),
                "no such module",
                help,
            );
            return Ev::poison();
        };
        let expansion = call.expansion.clone();
        let mut rest: Vec<Seg> = segs.collect();
        let index_seg = match rest.first() {
            Some(Seg::Index(_) | Seg::Key(_) | Seg::Splat) => Some(rest.remove(0)),
            _ => None,
        };
        let splat = matches!(index_seg, Some(Seg::Splat));
        let Some(indexes) = self.module_indexes(&name, &expansion, index_seg, sp) else {
            return Ev::poison();
        };
        let Some(Seg::Field(output)) = rest.first().cloned() else {
            let msg = format!("`module.{name}` is a module, not a value: name one of its outputs, `module.{name}.OUTPUT`");
            return self.bad_module(sp, msg);
        };
        rest.remove(0);
        if splat && !rest.is_empty() {
            let msg = "a `[*]` reference stops at the output: `module.NAME[*].OUTPUT`".to_owned();
            return self.bad_module(sp, msg);
        }
        let mut values = Vec::new();
        for index in indexes {
            match self.module_output(&name, index, &output, sp) {
                Some(v) => values.push(v),
                None => return Ev::poison(),
            }
        }
        if splat {
            return self.combine_outputs(values, sp);
        }
        let Some(value) = values.into_iter().next() else {
            return Ev::poison();
        };
        self.access(value, rest, sp, text)
    }

    /// The instances a reference names: one, or every one for `[*]`; `None` after an error.
    fn module_indexes(
        &mut self,
        name: &str,
        expansion: &Expansion,
        seg: Option<Seg>,
        sp: &Span,
    ) -> Option<Vec<Option<Index>>> {
        let call = format!("module.{name}");
        let (msg, help) = match (expansion, seg) {
            (Expansion::Failed, _) => return None,
            (Expansion::Pending, _) => {
                self.diags.error(
                    Code::InvalidCount,
                    sp,
                    format!("`count` and `for-each` cannot depend on `{call}`"),
                    "refers to a module",
                    Some("instances are known before any module is evaluated: use variables and locals".to_owned()),
                );
                return None;
            }
            (_, Some(Seg::Splat)) => {
                return Some(expansion.instances().into_iter().map(|(i, _)| i).collect())
            }
            (Expansion::Single, None) => return Some(vec![None]),
            (Expansion::Count(n), Some(Seg::Index(i))) if i < *n => {
                return Some(vec![Some(Index::Int(i))])
            }
            (Expansion::Each(m), Some(Seg::Key(k))) if m.contains_key(&k) => {
                return Some(vec![Some(Index::Key(k))])
            }
            (Expansion::Single, Some(_)) => (
                format!("`{call}` has no `count` or `for-each`, so it takes no index"),
                format!("write `{call}.OUTPUT`"),
            ),
            (Expansion::Count(n), Some(Seg::Index(i))) => (
                format!("`{call}[{i}]` is out of range: `{call}` has {n} instance(s)"),
                format!("indexes go from 0 to {}", n.saturating_sub(1)),
            ),
            (Expansion::Count(_), _) => (
                format!("`{call}` has `count`; say which instance"),
                format!("write `{call}[0].OUTPUT`, or `{call}[*].OUTPUT` for every instance"),
            ),
            (Expansion::Each(m), Some(Seg::Key(k))) => {
                let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                let help = did_you_mean(&k, keys.iter().copied())
                    .map(|c| format!("did you mean `{call}[\"{c}\"]`?"))
                    .unwrap_or_else(|| format!("keys are: {}", keys.join(", ")));
                (format!("`{call}` has no instance `[\"{k}\"]`"), help)
            }
            (Expansion::Each(_), _) => (
                format!("`{call}` has `for-each`; say which instance by key"),
                format!("write `{call}[\"KEY\"].OUTPUT`, or `{call}[*].OUTPUT` for every instance"),
            ),
        };
        self.diags
            .error(Code::BadIndex, sp, msg, "this reference", Some(help));
        None
    }

    /// Output `output` of one instance, its references recorded; `None` after an error.
    fn module_output(
        &mut self,
        name: &str,
        index: Option<Index>,
        output: &str,
        sp: &Span,
    ) -> Option<Ev> {
        let done = self.module_instance(name, index, sp)?;
        let Some(found) = done.outputs.get(output) else {
            let help = did_you_mean(output, done.outputs.keys().map(String::as_str))
                .map(|c| format!("did you mean `module.{name}.{c}`?"))
                .or_else(|| Some(outputs_help(done.outputs.keys())));
            self.diags.error(
                Code::UnknownReference,
                sp,
                format!("module `module.{name}` has no output `{output}`"),
                "no such output",
                help,
            );
            return None;
        };
        let (value, edges) = found.clone()?;
        for e in edges {
            self.edge(e.target, &e.span);
        }
        Some(value)
    }

    /// Every instance's value of one output, as one list (also of none or one).
    fn combine_outputs(&mut self, values: Vec<Ev>, sp: &Span) -> Ev {
        if values.len() > 1 {
            return self.combine(values, sp);
        }
        let Some(one) = values.into_iter().next() else {
            return Ev::json(Value::Array(Vec::new()));
        };
        let val = match one.val {
            Val::Json(v) => Val::Json(Value::Array(vec![v])),
            Val::After(e) => Val::After(Expr::List(vec![e])),
            Val::Link(a) => Val::Links(vec![a]),
            other => other,
        };
        Ev {
            val,
            sensitive: one.sensitive,
        }
    }

    fn bad_module(&mut self, sp: &Span, msg: String) -> Ev {
        self.diags
            .error(Code::BadReference, sp, msg, "this reference", None);
        Ev::poison()
    }
}

/// The outputs a module has, for a help line.
fn outputs_help<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        return "the module declares no `output`".to_owned();
    }
    format!("its outputs are {}", names.join(", "))
}
