//! Attaching and detaching volumes, and joining a firewall, need an ACTIVE VM: a stopped or
//! hibernated VM is woken for the change and put back to sleep (found by the convergence
//! property test).

mod support;

use support::Env;

fn config(power: &str, with_volume: bool) -> String {
    config_with(power, with_volume, false)
}

fn config_with(power: &str, with_volume: bool, with_firewall: bool) -> String {
    let mut text = String::from(
        "provider \"barrack\" {\n    region \"US-1\"\n}\n\nssh-key \"k\" {\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k\"\n}\n\n",
    );
    text.push_str(&format!(
        "vm \"m\" {{\n    gpu \"A40\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.k\"\n    power \"{power}\"\n"
    ));
    if with_volume {
        text.push_str("    volumes (ref)\"volume.v\"\n");
    }
    if with_firewall {
        text.push_str("    firewalls (ref)\"firewall.f\"\n");
    }
    text.push_str("}\n\nvolume \"v\" {\n    size-gb 100\n}\n");
    text.push_str("\nfirewall \"f\" {\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n}\n");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_change_on_sleeping_vms() {
    for (power, status) in [("stopped", "SHUTOFF"), ("hibernated", "HIBERNATED")] {
        let env = Env::new(0.002).await;
        env.write(&config(power, true));
        env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);

        // Detach from the sleeping VM.
        env.write(&config(power, false));
        env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);
        let sim = env.sim_state().await;
        assert_eq!(sim["instances"][0]["status"], status, "{power}: {sim:#}");
        assert_eq!(sim["volumes"][0]["status"], "available", "{power}: {sim:#}");

        // And attach again.
        env.write(&config(power, true));
        env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);
        let sim = env.sim_state().await;
        assert_eq!(sim["instances"][0]["status"], status, "{power}: {sim:#}");
        assert_eq!(sim["volumes"][0]["status"], "in-use", "{power}: {sim:#}");

        // A firewall joins a sleeping VM (new members must be ACTIVE), then leaves it.
        env.write(&config_with(power, true, true));
        env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);
        let sim = env.sim_state().await;
        assert_eq!(sim["instances"][0]["status"], status, "{power}: {sim:#}");
        assert_eq!(
            sim["firewalls"][0]["attachments"].as_array().map(Vec::len),
            Some(1),
            "{sim:#}"
        );
        env.write(&config_with(power, true, false));
        env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);
        let sim = env.sim_state().await;
        assert_eq!(
            sim["firewalls"][0]["attachments"].as_array().map(Vec::len),
            Some(0),
            "{sim:#}"
        );
    }
}
