# Guardrails for the example CI config; `input` is the plan JSON (docs/plan-json.md).
package garrison

deny contains msg if {
    input.cost.after_per_hour > 50
    msg := sprintf("the plan would cost $%v/h after apply; the budget is $50/h", [input.cost.after_per_hour])
}

deny contains msg if {
    some c in input.changes
    c.action in {"delete", "replace"}
    c.kind == "volume"
    msg := sprintf("%s would lose its data (%s): get a second review and apply by hand", [c.address, c.action])
}
