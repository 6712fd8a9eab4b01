//! Secrets never leak through the binary: the API key, a sensitive variable's value and a
//! generated private key appear in no artefact (state, backup, journal, saved plan, JSON and
//! Markdown plans, `show` of the state and of the saved plan, stdout, stderr).

mod support;

use support::{Env, API_KEY};

const SECRET_CIDR: &str = "198.18.77.0/24";

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

variable "office" type="string" sensitive=#true

ssh-key "generated" {
    private-key-file "keys/generated.pem"
}

firewall "fw" {
    rule direction="ingress" protocol="tcp" port=22 remote=(ref)"var.office"
}

vm "box" {
    gpu "L40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.generated"
    firewalls (ref)"firewall.fw"
    security-rule direction="ingress" protocol="tcp" port=8888 remote=(ref)"var.office"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_any_artefact() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = format!("office={SECRET_CIDR}");
    let plan_file = env.path().join("p.plan");
    let plan_arg = plan_file.to_string_lossy().into_owned();
    let mut transcripts = Vec::new();
    for args in [
        vec!["plan", "--var", &var, "--out", &plan_arg],
        vec!["plan", "--var", &var, "--json"],
        vec!["plan", "--var", &var, "--markdown"],
        vec!["apply", "--var", &var, "--auto-approve"],
        vec!["plan", "--var", &var, "--detailed-exitcode"],
        vec!["state", "show", "firewall.fw"],
        vec!["state", "show", "vm.box"],
        vec!["output", "--json"],
        vec!["show"],
        vec!["show", "--json"],
        vec!["show", &plan_arg],
        vec!["show", &plan_arg, "--json"],
    ] {
        let run = env.run(&args).await;
        assert_eq!(
            run.code,
            if args.contains(&"--detailed-exitcode") {
                0
            } else {
                run.code
            }
        );
        transcripts.push(format!("{}\n{}", run.stdout, run.stderr));
    }
    // The apply worked: the rule holds the secret in the cloud, and the key file exists.
    let sim = env.sim_state().await;
    assert!(
        sim["firewalls"].to_string().contains(SECRET_CIDR),
        "the rule was not applied"
    );
    let private_key = std::fs::read_to_string(env.path().join("keys/generated.pem"))
        .expect("the generated private key was written");
    assert!(private_key.len() > 100);
    let key_body: String = private_key.lines().nth(1).unwrap_or_default().to_string();
    assert!(!key_body.is_empty());

    let mut artefacts: Vec<(String, String)> = transcripts
        .into_iter()
        .enumerate()
        .map(|(i, t)| (format!("transcript {i}"), t))
        .collect();
    for file in [
        ".garrison/state.json",
        ".garrison/state.json.backup",
        ".garrison/state.json.journal",
        "p.plan",
    ] {
        if let Ok(text) = std::fs::read_to_string(env.path().join(file)) {
            artefacts.push((file.to_string(), text));
        }
    }
    assert!(artefacts.iter().any(|(n, _)| n == ".garrison/state.json"));
    for (name, text) in &artefacts {
        assert!(!text.contains(API_KEY), "the API key leaked into {name}");
        assert!(
            !text.contains(SECRET_CIDR),
            "the sensitive variable leaked into {name}:\n{text}"
        );
        assert!(
            !text.contains(&key_body),
            "the private key leaked into {name}"
        );
    }
}
