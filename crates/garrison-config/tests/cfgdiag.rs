//! Diagnostics hygiene (findings S4, S5, U3, U8, U13): secrets stay out of diagnostics, one
//! diagnostic per mistake, no cascades, and a bad value says where it came from.

use std::path::Path;

use garrison_config::{
    load_dir_with, load_str_with, CatalogSource, Code, ConfigDiagnostic, Failure, Loaded, Offered,
    StateBackend, VarInputs,
};

/// The built-in catalog as if the API listed it: an unknown value is an error (offline it
/// is an `unknown_catalog_value` warning; see the fixtures).
fn live() -> Offered {
    Offered {
        source: CatalogSource::Live,
        ..Offered::default()
    }
}

fn load_dir(dir: &Path, inputs: &VarInputs) -> Result<Loaded, Failure> {
    load_dir_with(dir, inputs, &live())
}

fn load_str(name: &str, text: &str, inputs: &VarInputs) -> Result<Loaded, Failure> {
    load_str_with(name, text, inputs, &live())
}
use miette::{GraphicalReportHandler, GraphicalTheme};

/// Text (as `validate` prints it) and JSON (as `validate --json` prints it) of `diags`.
fn render(diags: &[ConfigDiagnostic]) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::none()).with_width(100);
    let mut out = String::new();
    for d in diags {
        handler
            .render_report(&mut out, d)
            .unwrap_or_else(|e| panic!("render: {e}"));
        out.push('\n');
        out.push_str(&d.to_json().to_string());
        out.push('\n');
    }
    out
}

struct Failed {
    codes: Vec<Code>,
    warnings: Vec<Code>,
    text: String,
}

fn check(result: Result<garrison_config::Loaded, garrison_config::Failure>) -> Failed {
    match result {
        Ok(_) => panic!("expected errors"),
        Err(f) => Failed {
            codes: f.errors.iter().map(|e| e.code).collect(),
            warnings: f.warnings.iter().map(|e| e.code).collect(),
            text: format!("{}{}", render(&f.errors), render(&f.warnings)),
        },
    }
}

fn fail(text: &str, inputs: &VarInputs) -> Failed {
    check(load_str("main.kdl", text, inputs))
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    dir
}

const SECRET_VARS: &str = r#"
variable "cidr" sensitive=#true
variable "region" sensitive=#true
variable "gpu" sensitive=#true
variable "os" sensitive=#true
variable "vt" sensitive=#true
variable "size" type="int" sensitive=#true
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
firewall "f" {
    rule direction="ingress" protocol="tcp" port=22 remote=(ref)"var.cidr"
}
volume "v" {
    size-gb 100
    type (ref)"var.vt"
    region (ref)"var.region"
}
volume "w" { size-gb (ref)"var.size"; }
vm "m" {
    gpu (ref)"var.gpu" count=1
    image "${var.os}"
    ssh-keys (ref)"ssh-key.k"
}
"#;

/// S4: a sensitive value that is invalid is reported as `(sensitive)`, in text and JSON,
/// with the variable's name; the var file's lines are never shown as source context.
#[test]
fn s4_sensitive_values_never_appear_in_diagnostics() {
    let config = format!("provider \"barrack\" {{ region \"NORWAY-1\" }}\n{SECRET_VARS}");
    let dir = dir_with(&[("cfg/main.kdl", &config)]);
    let vars = dir.path().join("secret.vars");
    std::fs::write(
        &vars,
        "cidr \"TOPSECRET-CIDR\"\nregion \"TOPSECRET-REGION\"\ngpu \"TOPSECRET-GPU\"\n\
         os \"TOPSECRET-OS\"\nvt \"TOPSECRET-VT\"\nsize 987654321\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let inputs = VarInputs {
        var_files: vec![vars],
        ..VarInputs::default()
    };
    let f = check(load_dir(&dir.path().join("cfg"), &inputs));
    assert!(!f.text.contains("TOPSECRET"), "{}", f.text);
    assert!(!f.text.contains("987654321"), "{}", f.text);
    for name in ["cidr", "region", "gpu", "os", "vt", "size"] {
        assert!(
            f.text.contains(&format!("sensitive variable `{name}`")),
            "no mention of `{name}`:\n{}",
            f.text
        );
    }
    assert!(f.text.contains("(sensitive)"), "{}", f.text);

    // A var-file line with a type error: reported without the file's text around it.
    std::fs::write(
        dir.path().join("secret.vars"),
        "cidr \"TOPSECRET-CIDR\"\nsize \"TOPSECRET-SIZE\"\nregion \"TOPSECRET-REGION\"\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let f = check(load_dir(&dir.path().join("cfg"), &inputs));
    assert!(f.codes.contains(&Code::VariableValue), "{:?}", f.codes);
    assert!(!f.text.contains("TOPSECRET"), "{}", f.text);
    assert!(f.text.contains("secret.vars:2"), "{}", f.text);
}

/// S4 offline: against the built-in catalog an unknown sensitive region, GPU model, OS
/// image or volume type is a warning, and it does not echo the secret either.
#[test]
fn s4_sensitive_values_stay_out_of_catalog_warnings() {
    let config = format!("provider \"barrack\" {{ region \"NORWAY-1\" }}\n{SECRET_VARS}");
    let dir = dir_with(&[("cfg/main.kdl", &config)]);
    let vars = dir.path().join("secret.vars");
    std::fs::write(
        &vars,
        "cidr \"10.0.0.0/8\"\nregion \"TOPSECRET-REGION\"\ngpu \"TOPSECRET-GPU\"\n\
         os \"TOPSECRET-OS\"\nvt \"TOPSECRET-VT\"\nsize 100\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let inputs = VarInputs {
        var_files: vec![vars],
        ..VarInputs::default()
    };
    let loaded = garrison_config::load_dir(&dir.path().join("cfg"), &inputs)
        .unwrap_or_else(|f| panic!("valid offline: {}", render(&f.errors)));
    let text = render(&loaded.warnings);
    let codes: Vec<Code> = loaded.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec![Code::UnknownCatalogValue; 4], "{text}");
    assert!(!text.contains("TOPSECRET"), "{text}");
    assert!(text.contains("(sensitive)"), "{text}");
}

/// S4: the provider's region from a sensitive variable.
#[test]
fn s4_sensitive_provider_region_is_not_echoed() {
    let text = r#"
variable "r" sensitive=#true
provider "barrack" { region (ref)"var.r" }
volume "v" { size-gb 10; }
"#;
    let mut inputs = VarInputs::default();
    inputs.vars.push(("r".into(), "TOPSECRET-REGION".into()));
    let f = fail(text, &inputs);
    assert_eq!(f.codes, vec![Code::InvalidValue], "{}", f.text);
    assert!(!f.text.contains("TOPSECRET"), "{}", f.text);
    assert!(f.text.contains("sensitive variable `r`"), "{}", f.text);
}

/// S5: cloud names are public; a name made from a sensitive variable is refused.
#[test]
fn s5_sensitive_name_is_refused() {
    let text = r#"
provider "barrack" { region "NORWAY-1" }
variable "t" sensitive=#true
volume "v" { size-gb 10; name "data-${var.t}"; }
volume "w" for-each=(ref)"var.keys" { size-gb 10; }
variable "keys" type="list" sensitive=#true
"#;
    let mut inputs = VarInputs::default();
    inputs.vars.push(("t".into(), "TOPSECRET".into()));
    inputs
        .vars
        .push(("keys".into(), "[\"TOPSECRET-KEY\"]".into()));
    let f = fail(text, &inputs);
    assert_eq!(f.codes, vec![Code::SensitiveName; 2], "{}", f.text);
    assert!(!f.text.contains("TOPSECRET"), "{}", f.text);
}

fn state_of(text: &str, inputs: &VarInputs) -> StateBackend {
    match load_str("main.kdl", text, inputs) {
        Ok(l) => l.model.state,
        Err(f) => panic!("expected valid:\n{}", render(&f.errors)),
    }
}

/// U3: the `state` node evaluates `(ref)"var.x"` and `${var.x}`, and refuses anything else.
#[test]
fn u3_state_node_evaluates_variables() {
    let base = "provider \"barrack\" { region \"NORWAY-1\" }\nvariable \"ws\" default=\"team-a\"\n";
    let pg = format!("{base}state \"postgres\" workspace=(ref)\"var.ws\"\n");
    assert_eq!(
        state_of(&pg, &VarInputs::default()),
        StateBackend::Postgres {
            url_env: "GARRISON_PG_URL".into(),
            workspace: "team-a".into()
        }
    );
    let local = format!("{base}state \"local\" path=\"state/${{var.ws}}.json\"\n");
    let mut inputs = VarInputs::default();
    inputs.vars.push(("ws".into(), "prod".into()));
    assert_eq!(
        state_of(&local, &inputs),
        StateBackend::Local {
            path: "state/prod.json".into()
        }
    );
    let bad = format!(
        "{base}volume \"v\" {{ size-gb 10; }}\nstate \"local\" path=(ref)\"volume.v.name\"\n"
    );
    let f = fail(&bad, &VarInputs::default());
    assert_eq!(f.codes, vec![Code::BadReference], "{}", f.text);
    let unknown = format!("{base}state \"postgres\" workspace=\"${{var.nope}}\"\n");
    let f = fail(&unknown, &VarInputs::default());
    assert_eq!(f.codes, vec![Code::UnknownReference], "{}", f.text);
}

/// U8 (a): an invalid provider region is one error, not one more per resource.
#[test]
fn u8_bad_provider_region_does_not_cascade() {
    let text = r#"
provider "barrack" { region "NORWAY-2" }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
volume "a" { size-gb 10; }
volume "b" count=2 { size-gb 10; }
"#;
    let f = fail(text, &VarInputs::default());
    assert_eq!(f.codes, vec![Code::InvalidValue], "{}", f.text);
}

/// U8 (b): a variable that fails validation does not make the variables used next to it
/// look unused.
#[test]
fn u8_no_unused_variable_warnings_after_an_error() {
    let text = r#"
provider "barrack" { region "NORWAY-1" }
variable "nodes" type="int" max=8
variable "size" type="int" default=100
volume "v" count=(ref)"var.nodes" { size-gb (ref)"var.size"; }
"#;
    let mut inputs = VarInputs::default();
    inputs.vars.push(("nodes".into(), "12".into()));
    let f = fail(text, &inputs);
    assert_eq!(f.codes, vec![Code::VariableValue], "{}", f.text);
    assert!(f.warnings.is_empty(), "{}", f.text);
}

/// U8 (c): a misspelt attribute is one diagnostic, not also "missing `size-gb`".
#[test]
fn u8_typo_is_one_diagnostic() {
    let text = r#"
provider "barrack" { region "NORWAY-1" }
volume "v" { size-gbb 100; }
"#;
    let f = fail(text, &VarInputs::default());
    assert_eq!(f.codes, vec![Code::UnknownAttribute], "{}", f.text);
    assert!(f.text.contains("did you mean `size-gb`?"), "{}", f.text);
}

/// U8 (d): a mistake in a counted resource is reported once, not once per instance.
#[test]
fn u8_counted_resource_reports_a_mistake_once() {
    let text = r#"
provider "barrack" { region "NORWAY-1" }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
volume "v" count=3 { size-gb 10; region "US-1"; }
volume "n" count=3 { size-gb 10; name "bad/name-${count.index}"; }
volume "same" count=3 { size-gb 10; name "same"; }
vm "a" count=3 {
    gpu "H100-SXM5-80GB" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    volumes (ref)"volume.v[count.index]"
}
"#;
    let f = fail(text, &VarInputs::default());
    let mut codes = f.codes.clone();
    codes.sort();
    assert_eq!(
        codes,
        vec![Code::InvalidName, Code::Duplicate, Code::RegionMismatch],
        "{}",
        f.text
    );
}

/// U8 (f): a bad value from a variable also says where the value was set.
#[test]
fn u8_bad_value_from_a_variable_says_where_it_came_from() {
    let config = r#"
provider "barrack" { region "NORWAY-1" }
variable "vt" default="Cloud-HDD"
volume "v" { size-gb 10; type (ref)"var.vt"; }
"#;
    let dir = dir_with(&[
        ("cfg/main.kdl", config),
        ("t.vars", "\n\nvt \"Fast-SSD\"\n"),
    ]);
    let cfg = dir.path().join("cfg");
    let default = check(load_dir(&cfg, &VarInputs::default()));
    assert!(
        default.text.contains("the default of `var.vt`"),
        "{}",
        default.text
    );
    assert!(default.text.contains("main.kdl:3"), "{}", default.text);

    let mut cli = VarInputs::default();
    cli.vars.push(("vt".into(), "Fast-SSD".into()));
    let f = check(load_dir(&cfg, &cli));
    assert!(f.text.contains("`--var vt=...`"), "{}", f.text);

    let env = VarInputs::default().with_env([("GARRISON_VAR_vt".to_owned(), "X".to_owned())]);
    let f = check(load_dir(&cfg, &env));
    assert!(f.text.contains("`GARRISON_VAR_vt`"), "{}", f.text);

    let file = VarInputs {
        var_files: vec![dir.path().join("t.vars")],
        ..VarInputs::default()
    };
    let f = check(load_dir(&cfg, &file));
    assert!(f.text.contains("t.vars:3"), "{}", f.text);
}

/// U8 (g): an unknown `lifecycle` setting names the lifecycle block and points at itself.
#[test]
fn u8_lifecycle_errors_point_at_the_setting() {
    let text = r#"
provider "barrack" { region "NORWAY-1" }
volume "v" {
    size-gb 10
    lifecycle { prevent-destroy #true; }
}
volume "w" { size-gb 10; }
"#;
    let f = fail(text, &VarInputs::default());
    assert_eq!(f.codes, vec![Code::UnknownAttribute], "{}", f.text);
    assert!(
        f.text
            .contains("`lifecycle` has no setting `prevent-destroy`"),
        "{}",
        f.text
    );
    assert!(f.text.contains("\"line\":5,\"offset\""), "{}", f.text);
}

/// U13: a var file kept in the config directory is not read as config.
#[test]
fn u13_var_files_inside_the_config_dir_are_not_config() {
    let dir = dir_with(&[
        (
            "main.kdl",
            "provider \"barrack\" { region \"NORWAY-1\" }\nvariable \"size\" type=\"int\"\n\
             volume \"v\" { size-gb (ref)\"var.size\"; }\n",
        ),
        ("prod.kdl", "size 200\n"),
    ]);
    let inputs = VarInputs {
        var_files: vec![dir.path().join("prod.kdl")],
        ..VarInputs::default()
    };
    let loaded = load_dir(dir.path(), &inputs).unwrap_or_else(|f| panic!("{}", render(&f.errors)));
    assert_eq!(loaded.model.resources.len(), 1);
    // The same through a relative path spelled differently.
    let inputs = VarInputs {
        var_files: vec![dir.path().join(".").join("prod.kdl")],
        ..VarInputs::default()
    };
    assert!(load_dir(dir.path(), &inputs).is_ok());
    let _ = Path::new("");
}
